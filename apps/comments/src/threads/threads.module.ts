import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServiceConfig } from '@app/config';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { THREAD_CHANGE_MODEL, ThreadChangeSchema } from './thread-change.schema';
import { THREAD_MODEL, ThreadSchema } from './thread.schema';
import { ThreadsConsumer } from './threads.consumer';
import { ThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';
import { THREADS_OUTBOX, ThreadsService } from './threads.service';
import { ThreadsSweeper } from './threads.sweeper';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: THREAD_MODEL, schema: ThreadSchema },
      { name: THREAD_CHANGE_MODEL, schema: ThreadChangeSchema },
    ]),
  ],
  controllers: [ThreadsController, ThreadsConsumer],
  providers: [
    ThreadsRepository,
    ThreadsService,
    ThreadsSweeper,
    {
      provide: THREADS_OUTBOX,
      inject: [EventPublisher, ThreadsRepository, ServiceConfig],
      useFactory: (publisher: EventPublisher, repository: ThreadsRepository, config: ServiceConfig) =>
        new OutboxRelay('threads', publisher, repository.outboxStore, { pollMs: config.OUTBOX_POLL_MS }),
    },
  ],
  exports: [ThreadsService],
})
export class ThreadsModule {}
