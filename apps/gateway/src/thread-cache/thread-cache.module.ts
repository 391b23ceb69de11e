import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { ThreadCache } from './thread-cache';
import { ThreadCacheListener } from './thread-cache.listener';

@Global()
@Module({
  providers: [
    {
      provide: ThreadCache,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) =>
        new ThreadCache({ maxStories: config.THREAD_CACHE_MAX_STORIES, maxAgeMs: config.THREAD_CACHE_MAX_AGE_MS }),
    },
    ThreadCacheListener,
  ],
  exports: [ThreadCache],
})
export class ThreadCacheModule {}
