import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { ThreadCache } from './thread-cache';
import { ThreadCacheListener } from './thread-cache.listener';
import { exposeThreadCacheMetrics } from './thread-cache.metrics';

@Global()
@Module({
  providers: [
    {
      provide: ThreadCache,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => {
        const cache = new ThreadCache({ maxStories: config.THREAD_CACHE_MAX_STORIES, maxBytes: config.THREAD_CACHE_MAX_BYTES, maxAgeMs: config.THREAD_CACHE_MAX_AGE_MS });
        exposeThreadCacheMetrics(cache);
        return cache;
      },
    },
    ThreadCacheListener,
  ],
  exports: [ThreadCache],
})
export class ThreadCacheModule {}
