import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Consumer } from 'kafkajs';
import { KafkaClient } from './kafka.client';

/** What a broadcast listener hands over: enough to route, without parsing the event. */
export interface HeardEvent {
  key: string | null;
  type: string | null;
  /** The event's id, from its header. */
  id: string | null;
  /** The raw message, for the few listeners that need a field of the payload (parse it only then). */
  value: Buffer | null;
}

export interface BroadcastListenerOptions {
  /** Full topic names (with the prefix). */
  topics: string[];
  /** Prefix of the consumer group; each process adds its own suffix. */
  groupPrefix: string;
  onEvents: (events: HeardEvent[]) => void;
  /** Called when the listener stops hearing (crash, disconnect): caches must stop trusting themselves. */
  onLost: () => void;
  /** Called when it hears again, from the newest offsets on: after every group join (onLost first if it was live). */
  onLive: () => void;
}

/**
 * Every instance hears every event (for in-process caches), unlike a consumer group that shares
 * them out: each process joins its own group, starts at the newest offsets and commits nothing,
 * so the broker forgets the group once the process is gone. What was missed while not listening
 * is not replayed; `onLost`/`onLive` tell the cache to drop what it holds instead, on every group
 * join. A cache kept by it must still bound the age of what it serves: between a stall (a paused
 * process, a long GC) and the rejoin it does not know it missed anything.
 *
 * It waits for the topics to exist (their owners create them) instead of creating them.
 */
export class BroadcastListener {
  private readonly log = new Logger(BroadcastListener.name);
  private consumer?: Consumer;
  private stopped = false;
  private live = false;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly options: BroadcastListenerOptions,
  ) {}

  isLive(): boolean {
    return this.live;
  }

  /** Starts in the background; never throws (a cache without its listener is only bypassed). */
  start(): void {
    void this.run().catch((error) => this.log.error({ msg: 'broadcast listener failed to start', error: (error as Error).message }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setLive(false);
    await this.consumer?.disconnect();
  }

  private async run(): Promise<void> {
    await this.waitForTopics();
    if (this.stopped) return;
    const groupId = `${this.options.groupPrefix}.${hostname()}.${process.pid}.${randomBytes(3).toString('hex')}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 50 });
    this.consumer = consumer;
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP } = consumer.events;
    // Every join starts at the newest offsets (nothing is committed), also a rejoin without a
    // crash (session expired, REBALANCE_IN_PROGRESS, NOT_COORDINATOR): what came meanwhile is
    // never heard, so the caches are reset on each one, not only on the first.
    consumer.on(GROUP_JOIN, () => {
      this.setLive(false);
      this.setLive(true);
    });
    consumer.on(CRASH, () => this.setLive(false));
    consumer.on(DISCONNECT, () => this.setLive(false));
    consumer.on(STOP, () => this.setLive(false));
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        this.options.onEvents(
          batch.messages.map((message) => ({
            key: message.key?.toString() ?? null,
            type: message.headers?.['event-type']?.toString() ?? null,
            id: message.headers?.['event-id']?.toString() ?? null,
            value: message.value,
          })),
        );
      },
    });
  }

  private async waitForTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          const existing = new Set(await admin.listTopics());
          if (this.options.topics.every((topic) => existing.has(topic))) return;
        } catch (error) {
          if (attempt % 10 === 0) this.log.warn({ msg: 'waiting for the broker', error: (error as Error).message });
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await admin.disconnect();
    }
  }

  private setLive(live: boolean): void {
    if (this.live === live) return;
    this.live = live;
    if (live) this.options.onLive();
    else this.options.onLost();
  }
}
