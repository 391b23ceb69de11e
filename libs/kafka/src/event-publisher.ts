import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CompressionTypes, IHeaders, Message, Partitioners, Producer } from 'kafkajs';
import { ServiceConfig } from '@app/config';
import { EventEnvelope, isEventType, topicOf } from '@app/contracts';
import { KafkaClient } from './kafka.client';
import { TopicAdmin } from './topic-admin';

/**
 * Sends events, many per request: kafkajs sends one request per call and does not linger, so
 * callers hand over whole batches. acks from all in-sync replicas: an event acknowledged here
 * survives the loss of a broker.
 */
@Injectable()
export class EventPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(EventPublisher.name);
  private readonly producer: Producer;

  constructor(
    kafka: KafkaClient,
    private readonly topics: TopicAdmin,
    private readonly config: ServiceConfig,
  ) {
    // Not kafkajs' idempotent producer: on the three-broker fault suite (npm run
    // test:faults:cluster) it failed with OUT_OF_ORDER_SEQUENCE_NUMBER after a broker restarted
    // and kept failing (kafkajs 2.2.4 does not reset its producer id), so an outbox event was never
    // published. Instead: acks -1 on every send, and one request in flight per broker, so a retried
    // send cannot overtake a later one (a story's events keep their order). A retry may write a
    // batch twice; consumers drop repeats by event id (docs/operations.md).
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      maxInFlightRequests: 1,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.topics.ready();
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Events handed over in the current moment, and the callers waiting for their acknowledgement. */
  private gathered: { events: EventEnvelope<unknown>[]; waiting: { resolve: () => void; reject: (error: unknown) => void }[] } | null = null;

  /**
   * publish(), shared: every call made before the current I/O callbacks have run (the consumer's
   * lanes, the posts of one group commit) goes out in one produce request, and each caller is
   * answered when the broker acknowledged it (or with its error). On a hot path this is one
   * request per moment instead of one per event.
   */
  publishTogether(events: readonly EventEnvelope<unknown>[]): Promise<void> {
    if (!events.length) return Promise.resolve();
    if (!this.gathered) {
      const batch: NonNullable<EventPublisher['gathered']> = { events: [], waiting: [] };
      this.gathered = batch;
      setImmediate(() => {
        this.gathered = null;
        this.publish(batch.events).then(
          () => batch.waiting.forEach((w) => w.resolve()),
          (error) => batch.waiting.forEach((w) => w.reject(error)),
        );
      });
    }
    const batch = this.gathered;
    batch.events.push(...events);
    return new Promise<void>((resolve, reject) => batch.waiting.push({ resolve, reject }));
  }

  /**
   * publishTogether, waited for at most `timeoutMs`: true when acknowledged, false when the send
   * failed or took longer (it may still land). For writers that store first and put the events
   * into an outbox only when the broker does not take them in time.
   */
  async publishWithin(events: readonly EventEnvelope<unknown>[], timeoutMs: number): Promise<boolean> {
    if (!events.length) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const sent = this.publishTogether(events).then(
      () => true,
      (error) => {
        this.log.warn({ msg: 'publishing failed; the writer falls back to its outbox', events: events.length, error: (error as Error).message });
        return false;
      },
    );
    try {
      return await Promise.race([sent, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async publish(events: readonly EventEnvelope<unknown>[]): Promise<void> {
    if (!events.length) return;
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      if (!isEventType(event.type)) throw new Error(`cannot publish unknown event type ${event.type}`);
      const topic = this.config.KAFKA_TOPIC_PREFIX + topicOf(event.type);
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        key: event.key,
        value: JSON.stringify(event),
        headers: { 'event-type': event.type, 'event-id': event.id, 'correlation-id': event.correlationId },
      });
      byTopic.set(topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  /** Sends raw messages as they are (dead letters keep the original bytes) to a topic of ours. */
  async sendRaw(topic: string, messages: { key: Buffer | string | null; value: Buffer | string | null; headers: IHeaders }[]) {
    await this.producer.send({ topic: this.config.KAFKA_TOPIC_PREFIX + topic, acks: -1, messages });
  }
}
