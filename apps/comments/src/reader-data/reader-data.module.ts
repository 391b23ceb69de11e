import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { CommentsConfig } from '../comments.config';
import { CommentsModule } from '../comments/comments.module';
import { ThreadsModule } from '../threads/threads.module';
import { ERASURE_MODEL, ErasureSchema } from './erasure.schema';
import { ReaderDataController } from './reader-data.controller';
import { ReaderDataRepository } from './reader-data.repository';
import { ERASURES_OUTBOX, ReaderDataService } from './reader-data.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: ERASURE_MODEL, schema: ErasureSchema }]), CommentsModule, ThreadsModule],
  controllers: [ReaderDataController],
  providers: [
    ReaderDataRepository,
    ReaderDataService,
    {
      provide: ERASURES_OUTBOX,
      inject: [EventPublisher, ReaderDataRepository, CommentsConfig],
      useFactory: (publisher: EventPublisher, repository: ReaderDataRepository, config: CommentsConfig) =>
        new OutboxRelay('erasures', publisher, repository.outboxStore, { pollMs: config.OUTBOX_POLL_MS, batchSize: config.OUTBOX_POLL_LIMIT }),
    },
  ],
})
export class ReaderDataModule {}
