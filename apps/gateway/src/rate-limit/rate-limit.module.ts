import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewayConfig } from '../gateway.config';
import { addressTracker, RateLimitGuard, readerTracker } from './rate-limit.guard';

/**
 * Counters live in this gateway's memory: with N gateway instances a client may get up to N
 * times the limit. For strict limits across instances, give ThrottlerModule a shared storage
 * (e.g. Redis) — the guard does not change.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({
        throttlers: [
          { name: 'reader', ttl: 60_000, limit: config.RATE_LIMIT_READER_PER_MINUTE, getTracker: readerTracker },
          { name: 'address', ttl: 60_000, limit: config.RATE_LIMIT_ADDRESS_PER_MINUTE, getTracker: addressTracker },
        ],
        setHeaders: false,
      }),
    }),
  ],
  // Registered after the AuthGuard (AuthModule is imported first), so the reader is known.
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
