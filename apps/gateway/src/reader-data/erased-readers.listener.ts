import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS, UserErasedPayload } from '@app/contracts';
import { BroadcastListener, HeardEvent, KafkaClient } from '@app/kafka';
import { GatewayConfig } from '../gateway.config';
import { UpstreamClient } from '../upstream/upstream.client';
import { ErasedReaders } from './erased-readers';

const REBUILD_RETRY_MS = 2_000;

/**
 * Keeps ErasedReaders: every gateway instance hears user.erased on the comments topic. Hearing is
 * not enough: a broadcast listener starts at the newest offsets at every group join, so an
 * erasure announced while it was away (starting, a rejoin after a stall) would never be heard and
 * the reader's token would pass. So at start and at every join the store is rebuilt from the
 * comments service (GET /erasures since the tokens' lifetime), retried until it answers; the
 * rebuild reads after the join, so what it misses is heard.
 */
@Injectable()
export class ErasedReadersListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ErasedReadersListener.name);
  private readonly listener: BroadcastListener;
  private rebuildTimer?: NodeJS.Timeout;
  private rebuilding = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly readers: ErasedReaders,
    private readonly upstream: UpstreamClient,
    private readonly config: GatewayConfig,
  ) {
    this.listener = new BroadcastListener(new KafkaClient('gateway', config.KAFKA_BROKERS), {
      topics: [config.KAFKA_TOPIC_PREFIX + TOPICS.COMMENTS],
      groupPrefix: `${config.KAFKA_GROUP_ID ?? 'gateway'}.erasures`,
      onEvents: (events) => this.heard(events),
      onLive: () => void this.rebuild(),
      onLost: () => undefined,
    });
  }

  onApplicationBootstrap(): void {
    void this.rebuild();
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.rebuildTimer);
    await this.listener.stop();
  }

  /** Reads every erasure of the window from the comments service, page by page. One at a time; a join during one runs another after it. */
  async rebuild(): Promise<void> {
    if (this.rebuilding) {
      this.again = true;
      return;
    }
    this.rebuilding = true;
    clearTimeout(this.rebuildTimer);
    try {
      let since = new Date(Date.now() - this.config.JWT_MAX_TTL_SECONDS * 1000).toISOString();
      for (;;) {
        const page = await this.upstream.call<{ erasures: { userId: string; erasedAt: string }[] }>('comments', { method: 'GET', path: '/erasures', query: { since } });
        for (const erasure of page.erasures) this.remember(erasure.userId, Date.parse(erasure.erasedAt));
        const last = page.erasures[page.erasures.length - 1];
        if (!last || last.erasedAt === since) break;
        since = last.erasedAt;
      }
      this.readers.markLoaded();
    } catch (error) {
      this.log.warn({ msg: 'could not rebuild the erased readers; retrying', error: (error as Error).message });
      if (!this.stopped) this.rebuildTimer = setTimeout(() => void this.rebuild(), REBUILD_RETRY_MS);
    } finally {
      this.rebuilding = false;
    }
    if (this.again && !this.stopped) {
      this.again = false;
      await this.rebuild();
    }
  }

  private heard(events: HeardEvent[]): void {
    for (const event of events) {
      if (event.type !== 'user.erased' || !event.value) continue;
      try {
        const { payload } = JSON.parse(event.value.toString()) as { payload: Pick<UserErasedPayload, 'userId'> & { erasedAt: string } };
        this.remember(payload.userId, Date.parse(payload.erasedAt));
      } catch (error) {
        this.log.warn({ msg: 'an unreadable user.erased; the next rebuild covers it', error: (error as Error).message });
      }
    }
  }

  private remember(userId: string, erasedAtMs: number): void {
    if (typeof userId !== 'string' || Number.isNaN(erasedAtMs)) return;
    const dropped = this.readers.add(userId, erasedAtMs);
    if (dropped) this.log.warn({ msg: 'erased readers over their bound: the oldest were dropped', dropped, size: this.readers.size() });
  }
}
