import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServiceConfig } from '@app/config';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { ThreadsModule } from '../threads/threads.module';
import { COMMENT_MODEL, CommentSchema } from './comment.schema';
import { CommentsController } from './comments.controller';
import { CommentsRepository } from './comments.repository';
import { COMMENTS_OUTBOX, CommentsService } from './comments.service';
import { ThreadReadModel } from './thread-read.model';

@Module({
  imports: [MongooseModule.forFeature([{ name: COMMENT_MODEL, schema: CommentSchema }]), ThreadsModule],
  controllers: [CommentsController],
  providers: [
    CommentsRepository,
    CommentsService,
    ThreadReadModel,
    {
      provide: COMMENTS_OUTBOX,
      inject: [EventPublisher, CommentsRepository, ServiceConfig],
      useFactory: (publisher: EventPublisher, repository: CommentsRepository, config: ServiceConfig) =>
        new OutboxRelay('comments', publisher, repository.outboxStore, { pollMs: config.OUTBOX_POLL_MS, batchSize: config.OUTBOX_POLL_LIMIT }),
    },
  ],
  exports: [CommentsRepository, ThreadReadModel, COMMENTS_OUTBOX],
})
export class CommentsModule {}
