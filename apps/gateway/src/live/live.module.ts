import { Module } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { LiveController } from './live.controller';
import { LiveHub } from './live.hub';
import { LiveListener } from './live.listener';

@Module({
  controllers: [LiveController],
  providers: [
    {
      provide: LiveHub,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) =>
        new LiveHub({ maxConnections: config.LIVE_MAX_CONNECTIONS, replay: config.LIVE_REPLAY_EVENTS, heartbeatMs: config.LIVE_HEARTBEAT_MS }),
    },
    LiveListener,
  ],
})
export class LiveModule {}
