import { BeforeApplicationShutdown, FactoryProvider, InjectionToken, Logger, OnApplicationBootstrap, Type } from '@nestjs/common';
import { ServiceConfig } from '@app/config';
import { EventEnvelope } from '@app/contracts';
import { EventPublisher } from './event-publisher';

/** One document's unpublished events, in the order they were recorded. */
export interface PendingOutbox {
  id: string;
  events: EventEnvelope<unknown>[];
  /**
   * The document's version (its updatedAt) when `events` was its whole outbox, when the writer
   * knows it: a store may then clear the outbox without reading the document again.
   */
  version?: Date;
}

/** Where a service keeps events next to the state they announce (see libs/persistence). */
export interface OutboxStore {
  /** Documents with events waiting since before `olderThan`, oldest first. */
  findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]>;
  /** Drops the published events from their documents. */
  markPublished(published: PendingOutbox[]): Promise<void>;
  /** The events not known to be published already (a store that removes them lazily knows). */
  unpublished?(events: EventEnvelope<unknown>[]): EventEnvelope<unknown>[];
  /** A writer handed these documents over just now (a newer version of each is on its way). */
  handedOver?(pendings: PendingOutbox[]): void;
  /** Publishing what was handed over failed: those are the poller's now. */
  handoverFailed?(pendings: PendingOutbox[]): void;
}

export interface OutboxRelayOptions {
  pollMs: number;
  /** The poller leaves younger events to the instance that wrote them (the fast path). */
  graceMs?: number;
  batchSize?: number;
}

/**
 * Publishes the events a service recorded inside its documents (the transactional outbox,
 * without transactions: state and events change in one single-document write).
 *
 * Fast path: right after a write, the writer hands over the document's whole outbox. Safety
 * net: a poller publishes whatever a crashed or disconnected instance left behind. Either may
 * publish an event twice; consumers are idempotent, so that is harmless, and losing none is
 * what matters.
 */
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(OutboxRelay.name);
  private readonly inFlight = new Set<Promise<void>>();
  /** Handed over by publishSoon and not yet sent (see publishSoonBatch). */
  private soon: PendingOutbox[] = [];
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly publisher: EventPublisher,
    private readonly store: OutboxStore,
    private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the producer disconnects (onApplicationShutdown): publish what is in hand. */
  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  /**
   * Publishes a document's outbox in the background; failures are left for the poller. Handovers
   * of the same moment (the consumers' lanes each commit one document) leave together: one
   * produce request and one clearing call for all of them, after the current I/O callbacks.
   */
  publishSoon(pending: PendingOutbox): void {
    if (!pending.events.length || this.stopped) return;
    this.store.handedOver?.([pending]);
    this.soon.push(pending);
    if (this.soon.length === 1) setImmediate(() => this.publishSoonBatch());
  }

  private publishSoonBatch(): void {
    const batch = this.soon;
    this.soon = [];
    if (!batch.length) return;
    const work = this.publish(batch).catch((error) => {
      this.store.handoverFailed?.(batch);
      this.log.warn({ msg: 'publish failed; the poller will retry', outbox: this.name, documents: batch.length, error: (error as Error).message });
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Publishes a document's outbox and waits for the broker's acknowledgement, up to `timeoutMs`.
   * True when acknowledged; false when it could not be (the events stay in the document, and the
   * poller publishes them later): the caller may still answer, the write is durable either way.
   */
  publishNow(pending: PendingOutbox, timeoutMs: number): Promise<boolean> {
    return this.publishNowMany([pending], timeoutMs);
  }

  /** publishNow for several documents: one produce request, one write to clear them. */
  async publishNowMany(pendings: PendingOutbox[], timeoutMs: number): Promise<boolean> {
    const batch = pendings.filter((pending) => pending.events.length);
    if (!batch.length) return true;
    this.store.handedOver?.(batch);
    let timer: NodeJS.Timeout | undefined;
    // The caller waits for the broker's acknowledgement only; clearing the outbox follows in the
    // background (until it does, the poller may publish the events again: harmless).
    let acked!: (ok: boolean) => void;
    const work = new Promise<boolean>((resolve) => (acked = resolve));
    const tracked = this.publish(batch, () => acked(true)).then(
      () => acked(true),
      (error) => {
        this.store.handoverFailed?.(batch);
        this.log.warn({ msg: 'publish failed; the poller will retry', outbox: this.name, error: (error as Error).message });
        acked(false);
      },
    );
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publishes everything pending now, however young. For shutdown and tests. */
  async flush(): Promise<void> {
    this.publishSoonBatch();
    await Promise.all([...this.inFlight]);
    await this.poll(0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch((error) =>
      this.log.warn({ msg: 'could not flush outbox at shutdown; it will be published at next start', error: (error as Error).message }),
    );
    this.stopped = true;
  }

  private async poll(graceMs = this.options.graceMs ?? 2_000): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (;;) {
        const batch = await this.store.findPending(new Date(Date.now() - graceMs), this.options.batchSize ?? 200);
        if (!batch.length) return;
        await this.publish(batch);
        // A full batch of documents whose events are all out already (left until quiet, see
        // MongooseOutboxStore) would be read again at once: wait for the next poll instead.
        if (batch.length < (this.options.batchSize ?? 200) || !batch.some(({ events }) => events.length)) return;
      }
    } catch (error) {
      this.log.warn({ msg: 'outbox poll failed', outbox: this.name, error: (error as Error).message });
    } finally {
      this.polling = false;
    }
  }

  private async publish(batch: PendingOutbox[], onAcknowledged?: () => void): Promise<void> {
    const events = batch.flatMap((pending) => pending.events);
    await this.publisher.publish(this.store.unpublished ? this.store.unpublished(events) : events);
    onAcknowledged?.();
    await this.store.markPublished(batch);
  }
}

/**
 * The provider of a feature's relay: its repository's outbox store, published by the service's
 * publisher, polled as the service's config says (OUTBOX_POLL_MS, OUTBOX_POLL_LIMIT).
 */
export function outboxRelayProvider(
  provide: InjectionToken,
  name: string,
  repository: Type<{ outboxStore: OutboxStore }>,
  config: Type<ServiceConfig> = ServiceConfig,
): FactoryProvider<OutboxRelay> {
  return {
    provide,
    inject: [EventPublisher, repository, config],
    useFactory: (publisher: EventPublisher, owner: { outboxStore: OutboxStore }, settings: ServiceConfig) =>
      new OutboxRelay(name, publisher, owner.outboxStore, { pollMs: settings.OUTBOX_POLL_MS, batchSize: settings.OUTBOX_POLL_LIMIT }),
  };
}
