import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ConfigModule } from '@app/config';
import { HealthModule } from '@app/http';
import { LoggerModule } from '@app/observability';
import { ArticlesModule } from './articles/articles.module';
import { AuthModule } from './auth/auth.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { CommentsModule } from './comments/comments.module';
import { GatewayConfig } from './gateway.config';
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
    HealthModule.forRoot({
      inject: [UpstreamClient, HealthIndicatorService],
      readiness: (upstream: UpstreamClient, health: HealthIndicatorService) => upstream.readinessChecks(health),
    }),
    ArticlesModule,
    ThreadsModule,
    CommentsModule,
  ],
})
export class AppModule {}
