import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { changesThreadRead, TOPICS } from '@app/contracts';
import { BroadcastListener, HeardEvent, KafkaClient } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';
import { ThreadCache } from './thread-cache';

/**
 * Keeps the thread cache current: every gateway instance hears every change on the comments
 * topic (keyed by story) and marks that story's pages stale. Until it hears (startup, broker
 * lost), the cache is bypassed.
 */
@Injectable()
export class ThreadCacheListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listener: BroadcastListener;

  constructor(
    private readonly cache: ThreadCache,
    config: GatewayConfig,
  ) {
    this.listener = new BroadcastListener(new KafkaClient('gateway', config.KAFKA_BROKERS), {
      topics: [config.KAFKA_TOPIC_PREFIX + TOPICS.COMMENTS],
      groupPrefix: `${config.KAFKA_GROUP_ID ?? 'gateway'}.thread-cache`,
      onEvents: (events) => this.heard(events),
      onLive: () => cache.setEnabled(true),
      onLost: () => cache.setEnabled(false),
    });
  }

  onApplicationBootstrap(): void {
    this.listener.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }

  isLive(): boolean {
    return this.listener.isLive();
  }

  private heard(events: HeardEvent[]): void {
    for (const event of events) {
      if (event.key && changesThreadRead(event.type)) this.cache.invalidate(event.key);
    }
  }
}
