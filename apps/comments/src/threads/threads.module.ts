import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CommentsConfig } from '../comments.config';
import { outboxRelayProvider } from '@app/kafka';
import { THREAD_CHANGE_MODEL, ThreadChangeSchema } from './thread-change.schema';
import { ThreadStateCache } from './thread-state.cache';
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
      provide: ThreadStateCache,
      inject: [CommentsConfig],
      useFactory: (config: CommentsConfig) =>
        new ThreadStateCache({ maxBytes: config.THREAD_STATE_CACHE_MAX_BYTES, maxAgeMs: config.THREAD_STATE_CACHE_MAX_AGE_MS }),
    },
    outboxRelayProvider(THREADS_OUTBOX, 'threads', ThreadsRepository),
  ],
  exports: [ThreadsService, ThreadStateCache],
})
export class ThreadsModule {}
