import { Inject, Injectable, Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { deadLetterTopic, isEventType, parseEvent, topicOf } from '@app/contracts';
import { ServiceConfig } from '@app/config';
import { eventHandlingSeconds, eventsHandled, runWithCorrelation } from '@app/observability';
import { EventPublisher } from './event-publisher';
import { KafkaClient } from './kafka.client';
import { KafkaEventContext } from './kafka-event.context';
import { consumerGroupOf, KAFKA_MODULE_OPTIONS, KafkaModuleOptions } from './kafka.options';
import { OnEventExtras } from './on-event.decorator';
import { TopicAdmin } from './topic-admin';
import { crashMetadata, CrashGuard, lanesMetadata } from './crash-guard';
import { isTransientError } from './transient-error';

type ConsumerState = 'idle' | 'running' | 'crashed' | 'stopped';

/**
 * A Nest transport strategy for our events: `@EventPattern('article.published')` handlers are
 * fed validated envelopes from the event's topic.
 *
 * - Offsets are resolved only after the handler succeeds: a crash means redelivery, so every
 *   handler must be idempotent.
 * - A throwing handler is retried with exponential backoff (heartbeating meanwhile), up to
 *   KAFKA_HANDLER_ATTEMPTS; failures that are an outage (isTransientError: the database away)
 *   are retried until it is back and spend no attempt; then the message goes to `<group>.dlq` with its origin and the
 *   error in headers, and the partition moves on. A malformed event or one of an unsupported
 *   version is dead-lettered at once: retrying cannot fix it.
 * - A message that kills the process while handled (not one that throws) is counted across
 *   restarts in the group's committed offset metadata (CrashGuard) and dead-lettered after
 *   KAFKA_CRASH_ATTEMPTS; before, it was redelivered after every restart, forever.
 * - Events of types this service has no handler for are skipped.
 */
@Injectable()
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  private consumer?: Consumer;
  private state: ConsumerState = 'idle';
  private readonly log = new Logger(KafkaEventServer.name);
  private readonly groupId: string;
  private readonly crashGuard: CrashGuard;
  /**
   * Counted messages run one at a time across all partitions: a crash then blames only the one in
   * flight. Run side by side, a death also left another partition's counted message blamed, and
   * after KAFKA_CRASH_ATTEMPTS an innocent event was dead-lettered (the fault suite's poison scenario).
   */
  private counting: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topics: TopicAdmin,
    private readonly publisher: EventPublisher,
    private readonly config: ServiceConfig,
    @Inject(KAFKA_MODULE_OPTIONS) options: KafkaModuleOptions,
  ) {
    super();
    this.groupId = consumerGroupOf(options, config);
    this.crashGuard = new CrashGuard(config.KAFKA_CRASH_ATTEMPTS, () => this.committedOffsets());
  }

  /** For readiness: false once the consumer crashed for good or stopped. */
  isHealthy(): boolean {
    return this.state === 'running' || (this.state === 'idle' && this.messageHandlers.size === 0);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.state = 'stopped';
    // kafkajs lets the batch in hand finish, commits what was resolved, then leaves the group.
    await this.consumer?.disconnect();
  }

  on(): never {
    throw new Error('KafkaEventServer does not emit transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async start(): Promise<void> {
    const types = [...this.messageHandlers.keys()];
    if (!types.length) return;
    const unknown = types.filter((type) => !isEventType(type));
    if (unknown.length) throw new Error(`@EventPattern names events missing from the contracts: ${unknown.join(', ')}`);
    const topics = [...new Set(types.map((type) => topicOf(type as never)))];

    await this.topics.ready();
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.floor(this.config.KAFKA_SESSION_TIMEOUT_MS / 10),
    });
    const { CRASH, GROUP_JOIN } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => {
      this.state = 'running';
      this.crashGuard.joined();
    });
    this.consumer.on(CRASH, ({ payload }) => {
      // kafkajs restarts the consumer itself after a retriable crash; after any other (seen: a
      // broker slower to come back than kafkajs' retries, "Failed to find group coordinator") it
      // stays down for good, and so did the service's consuming: it is restarted here instead.
      this.log.error({ msg: 'consumer crashed', error: payload.error?.message, restart: payload.restart });
      if (payload.restart || this.state === 'stopped') return;
      this.state = 'crashed';
      void this.restartAfterCrash();
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: topics.map((topic) => this.config.KAFKA_TOPIC_PREFIX + topic), fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.KAFKA_PARTITIONS,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.state = 'running';
    this.log.log({ msg: 'consuming', groupId: this.groupId, topics, events: types });
  }

  /** Starts consuming again after a crash kafkajs gives up on, with a growing pause, until it works or the server is closed. */
  private async restartAfterCrash(): Promise<void> {
    for (let attempt = 1; this.state === 'crashed'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5))));
      if (this.state !== 'crashed') return;
      await this.consumer?.disconnect().catch(() => undefined);
      try {
        await this.start();
        this.log.warn({ msg: 'consumer restarted after a crash', groupId: this.groupId, attempt });
        return;
      } catch (error) {
        this.log.error({ msg: 'consumer restart failed, will try again', groupId: this.groupId, attempt, error: (error as Error).message });
        this.state = 'crashed';
      }
    }
  }

  /**
   * A fetched batch runs in lanes: events with the same ordering key (the message key, i.e. the
   * story, unless the handler names a finer one such as the comment) run one after another, in
   * order; lanes run side by side, up to KAFKA_CONSUMER_CONCURRENCY, so a slow database round
   * trip does not hold back the rest of the partition. The offset moves past a message only once
   * it and every message before it are done.
   */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    // After a join, a partition's first messages go one at a time, each attempt recorded (CrashGuard).
    let start = 0;
    for (; start < batch.messages.length && (await this.crashGuard.recovering(batch.topic, batch.partition, batch.messages[start]!.offset)); start++) {
      if (!isRunning() || isStale()) return;
      const message = batch.messages[start]!;
      await this.onMessageCounted(batch.topic, batch.partition, message, heartbeat, () => isRunning() && !isStale());
      resolveOffset(message.offset);
      this.crashGuard.passed(batch.topic, batch.partition);
      await heartbeat();
    }
    const items = batch.messages.slice(start).map((message, index) => {
      const parsed = parseEvent(message.value);
      // The handler's extras, looked up once per message for both the lanes and the superseding.
      const extras = parsed.ok ? (this.getHandlerByPattern(parsed.event.type)?.extras as OnEventExtras | undefined) : undefined;
      return { message, index, parsed, extras, keys: this.orderingKeysOf(message, parsed, extras) };
    });
    const superseded = this.supersededIn(items);
    if (items.length) await this.markLanes(batch.topic, batch.partition, items[0].message.offset, items[items.length - 1].message.offset);
    const lanes = lanesOf(items);
    const done: boolean[] = new Array(items.length).fill(false);
    const queue = [...lanes];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const item of lane) {
          if (!isRunning() || isStale()) return;
          if (superseded.has(item.index) && item.parsed.ok) eventsHandled.inc({ type: item.parsed.event.type, outcome: 'superseded' });
          else await this.onMessage(batch.topic, batch.partition, item.message, heartbeat, () => isRunning() && !isStale(), item.parsed);
          done[item.index] = true;
          await heartbeat();
        }
      }
    };
    // Every lane settles before the batch ends, even when one gave up (an outage while stopping):
    // a redelivered batch must not overlap lanes still running.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(this.config.KAFKA_CONSUMER_CONCURRENCY, queue.length) }, worker));
    const firstUndone = done.indexOf(false);
    const through = firstUndone === -1 ? items.length : firstUndone;
    if (through > 0) resolveOffset(items[through - 1].message.offset);
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * The batch's events that a newer one of the same key, for the same handler, makes pointless
   * (OnEventNewest): for each key only the highest version is kept (the last of equal ones).
   * Versions, not offsets: two quick changes may leave their events out of order.
   */
  private supersededIn(items: { index: number; parsed: ReturnType<typeof parseEvent>; extras?: OnEventExtras }[]): Set<number> {
    const newest = new Map<unknown, Map<string, { version: number; index: number }>>();
    const superseded = new Set<number>();
    for (const item of items) {
      if (!item.parsed.ok) continue;
      const newestOf = item.extras?.newestOf;
      if (!newestOf) continue;
      const [key, version] = newestOf(item.parsed.event);
      // By the function: a handler of several types is registered once per type.
      const byKey = newest.get(newestOf) ?? new Map<string, { version: number; index: number }>();
      newest.set(newestOf, byKey);
      const best = byKey.get(key);
      if (best && best.version > version) {
        superseded.add(item.index);
        continue;
      }
      if (best) superseded.add(best.index);
      byKey.set(key, { version, index: item.index });
    }
    return superseded;
  }

  /**
   * Before a batch runs in lanes: its range, committed at the offset it starts from (everything
   * before is done), so that if the process dies in it the next owner walks it one message at a
   * time (CrashGuard). The batch's own commit at its end clears it. Without the mark the batch
   * still runs: a crash in it is then only counted once the window reaches it.
   */
  private async markLanes(topic: string, partition: number, from: string, through: string): Promise<void> {
    try {
      await this.consumer!.commitOffsets([{ topic, partition, offset: from, metadata: lanesMetadata(through) }]);
    } catch (error) {
      this.log.warn({ msg: 'could not mark a batch before running it in lanes', topic, partition, error: (error as Error).message });
    }
  }

  /**
   * onMessage for a message that may have killed the process before: its attempt is committed
   * with its offset first, and past KAFKA_CRASH_ATTEMPTS it is dead-lettered unhandled.
   */
  private async onMessageCounted(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>, active: () => boolean) {
    const parsed = parseEvent(message.value);
    // What is not handled here (bad, or no handler) cannot crash a handler: nothing to count.
    if (!parsed.ok || !this.getHandlerByPattern(parsed.event.type)) return this.onMessage(topic, partition, message, heartbeat, active, parsed);
    const attempt = await this.crashGuard.attemptOf(topic, partition, message.offset);
    if (attempt > this.crashGuard.maxCrashes) {
      const crashes = attempt - 1;
      eventsHandled.inc({ type: parsed.event.type, outcome: 'dead_lettered' });
      this.log.error({ msg: 'the process died handling this event, dead-lettering', type: parsed.event.type, eventId: parsed.event.id, crashes });
      return this.deadLetter(topic, partition, message, 'crashed_consumer', `the process died while handling it, ${crashes} times`, crashes);
    }
    const turn = this.counting.then(async () => {
      await this.consumer!.commitOffsets([{ topic, partition, offset: message.offset, metadata: crashMetadata(message.offset, attempt) }]);
      await this.onMessage(topic, partition, message, heartbeat, active, parsed);
      // Passed: its count is cleared before the next counted message can be blamed.
      await this.consumer!.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1), metadata: null }]);
    });
    this.counting = turn.catch(() => undefined);
    return turn;
  }

  /** The group's committed offsets with their metadata, for CrashGuard. */
  private async committedOffsets(): Promise<{ topic: string; partition: number; metadata: string | null }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const topics = [...new Set([...this.messageHandlers.keys()].map((type) => this.config.KAFKA_TOPIC_PREFIX + topicOf(type as never)))];
      const offsets = await admin.fetchOffsets({ groupId: this.groupId, topics });
      return offsets.flatMap(({ topic, partitions }) => partitions.map(({ partition, metadata }) => ({ topic, partition, metadata })));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** What an event must stay in order with: the story (message key), or finer keys its handler names. */
  private orderingKeysOf(message: KafkaMessage, parsed: ReturnType<typeof parseEvent>, extras: OnEventExtras | undefined): string[] {
    const key = message.key?.toString() ?? '';
    if (!parsed.ok) return [key];
    const orderBy = extras?.orderBy;
    return orderBy ? [orderBy(parsed.event)].flat().map((k) => `${key}/${k}`) : [key];
  }

  private async onMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    active: () => boolean = () => true,
    parsed = parseEvent(message.value),
  ) {
    if (!parsed.ok) {
      // Only what this service would have handled is its business to dead-letter.
      if (parsed.type !== undefined && !this.getHandlerByPattern(parsed.type)) return;
      this.log.warn({ msg: 'dead-lettering a bad event', topic, partition, offset: message.offset, reason: parsed.reason, errors: parsed.errors });
      return this.deadLetter(topic, partition, message, parsed.reason, parsed.errors.join('; '), 0);
    }
    const event = parsed.event;
    const handler = this.getHandlerByPattern(event.type);
    if (!handler) return;

    const context = new KafkaEventContext([topic, partition, message.offset, heartbeat]);
    const attempts = this.config.KAFKA_HANDLER_ATTEMPTS;
    const timer = eventHandlingSeconds.startTimer({ type: event.type });
    for (let attempt = 1, outage = 0; ; attempt++) {
      try {
        await runWithCorrelation({ correlationId: event.correlationId, causationId: event.id }, async () => {
          await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
        });
        timer();
        eventsHandled.inc({ type: event.type, outcome: 'ok' });
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (isTransientError(error)) {
          // The database or broker is away: wait for it (the partition waits too), however long,
          // without spending an attempt. If this consumer is stopping, leave the message unresolved.
          if (!active()) throw error;
          outage++;
          attempt--;
          this.log.warn({ msg: 'handler failed on an outage, will retry', type: event.type, eventId: event.id, outage, error: reason });
          await this.backoff(Math.min(outage, 6), heartbeat);
          continue;
        }
        eventsHandled.inc({ type: event.type, outcome: 'failed_attempt' });
        if (attempt >= attempts) {
          eventsHandled.inc({ type: event.type, outcome: 'dead_lettered' });
          this.log.error({ msg: 'handler failed for good, dead-lettering', type: event.type, eventId: event.id, attempts, error: reason });
          return this.deadLetter(topic, partition, message, 'handler_failed', reason, attempt);
        }
        this.log.warn({ msg: 'handler failed, will retry', type: event.type, eventId: event.id, attempt, error: reason });
        await this.backoff(attempt, heartbeat);
      }
    }
  }

  private async backoff(attempt: number, heartbeat: () => Promise<void>): Promise<void> {
    const delay = Math.min(this.config.KAFKA_RETRY_BACKOFF_MS * 2 ** (attempt - 1), 30_000);
    for (let waited = 0; waited < delay; waited += 1_000) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, delay - waited)));
      await heartbeat();
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string, error: string, attempts: number) {
    const headers: IHeaders = {
      ...message.headers,
      'dlq-origin-topic': topic,
      'dlq-origin-partition': String(partition),
      'dlq-origin-offset': message.offset,
      'dlq-consumer-group': this.groupId,
      'dlq-reason': reason,
      'dlq-error': error.slice(0, 2000),
      'dlq-attempts': String(attempts),
      'dlq-failed-at': new Date().toISOString(),
    };
    // If this send fails the offset is not resolved, so the message comes back: nothing is lost.
    await this.publisher.sendRaw(deadLetterTopic(this.groupId), [{ key: message.key, value: message.value, headers }]);
  }
}

/**
 * Splits a batch into lanes: events sharing any ordering key end up in one lane (union-find over
 * the keys), each lane in the batch's order.
 */
export function lanesOf<T extends { keys: string[] }>(items: T[]): T[][] {
  const parent: number[] = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of item.keys) {
      const j = owner.get(key);
      if (j === undefined) owner.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const lanes = new Map<number, T[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const lane = lanes.get(root);
    if (lane) lane.push(item);
    else lanes.set(root, [item]);
  });
  return [...lanes.values()];
}

