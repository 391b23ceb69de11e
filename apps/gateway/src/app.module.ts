import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ConfigModule } from '@app/config';
import { HealthModule } from '@app/http';
import { LoggerModule } from '@app/observability';
import { ArticlesModule } from './articles/articles.module';
import { PostingModule } from './posting/posting.module';
import { AuthModule } from './auth/auth.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { CommentsModule } from './comments/comments.module';
import { GatewayConfig } from './gateway.config';
import { ImportsModule } from './imports/imports.module';
import { LiveModule } from './live/live.module';
import { ModerationModule } from './moderation/moderation.module';
import { ErasedReaders } from './reader-data/erased-readers';
import { ThreadCacheModule } from './thread-cache/thread-cache.module';
import { ThreadsModule } from './threads/threads.module';
import { UpstreamClient } from './upstream/upstream.client';
import { UpstreamModule } from './upstream/upstream.module';

@Module({
  imports: [
    ConfigModule.forRoot(GatewayConfig),
    LoggerModule.forRoot('gateway'),
    AuthModule,
    RateLimitModule,
    UpstreamModule,
    ThreadCacheModule,
    HealthModule.forRoot({
      inject: [UpstreamClient, HealthIndicatorService, ErasedReaders],
      // Not ready before it knows whose tokens to refuse (rebuilt from the comments service at start).
      readiness: (upstream: UpstreamClient, health: HealthIndicatorService, erased: ErasedReaders) => [
        ...upstream.readinessChecks(health),
        async () => (erased.isLoaded() ? health.check('erasures').up() : health.check('erasures').down({ message: 'erased readers not loaded yet' })),
      ],
    }),
    ArticlesModule,
    PostingModule,
    ThreadsModule,
    CommentsModule,
    ImportsModule,
    ModerationModule,
    LiveModule,
  ],
})
export class AppModule {}
