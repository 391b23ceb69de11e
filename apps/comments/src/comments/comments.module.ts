import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { outboxRelayProvider } from '@app/kafka';
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
    outboxRelayProvider(COMMENTS_OUTBOX, 'comments', CommentsRepository),
  ],
  exports: [CommentsRepository, ThreadReadModel, COMMENTS_OUTBOX],
})
export class CommentsModule {}
