import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Message } from 'kafkajs';
import { system, topicPrefixOf } from './services';

/** The run's own name of a topic (see KAFKA_TOPIC_PREFIX). */
const own = (topic: string) => topicPrefixOf(system()) + topic;

const kafka = () => new Kafka({ clientId: 'e2e', brokers: system().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });

export async function produce(topic: string, messages: Message[]): Promise<void> {
  const producer = kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic: own(topic), acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/**
 * Reads a topic, from where it stood when this test run began, with a fresh consumer group
 * until `done(messages)` holds or time runs out; returns the messages that matched `filter`.
 */
export async function readTopic(
  logicalTopic: string,
  filter: (message: ReadMessage) => boolean,
  done: (matched: ReadMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const topic = own(logicalTopic);
  const client = kafka();
  const since = system().startedAt;
  const admin = client.admin();
  await admin.connect();
  const [byTime, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, since), admin.fetchTopicOffsets(topic)]).finally(() =>
    admin.disconnect(),
  );
  // A partition with nothing since then starts at its end (-1 means "no such message yet").
  const starts = byTime.map(({ partition, offset }) => ({ partition, offset: offset === '-1' ? ends.find((e) => e.partition === partition)!.high : offset }));
  const consumer = client.consumer({ groupId: `e2e-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const matched: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const { partition, offset } of starts) consumer.seek({ topic, partition, offset });
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (Number(message.timestamp) < since) return;
          const read: ReadMessage = {
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
            partition,
            offset: message.offset,
          };
          if (filter(read)) matched.push(read);
          if (done(matched)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return matched;
}

/** The events of one story on a topic, parsed. Waits for at least `atLeast` of them. */
export async function eventsOf(topic: string, articleId: string, atLeast = 1, timeoutMs = 20_000) {
  const messages = await readTopic(topic, (m) => m.key === articleId, (m) => m.length >= atLeast, timeoutMs);
  return messages.map((m) => JSON.parse(m.value ?? 'null') as { id: string; type: string; payload: Record<string, unknown> });
}

/** An event as a test reads it back from a topic. */
export type TopicEvent = { id: string; type: string; key: string; payload: Record<string, any> };

/**
 * The events with these ids from `topic` (messages whose key passes `keyFilter`), each once, in
 * first-arrival order: a redelivered copy is the same event. Waits until all of them are there.
 */
export async function eventsWithIds(topic: string, ids: Set<string>, keyFilter: (key: string) => boolean, timeoutMs = 30_000): Promise<TopicEvent[]> {
  const distinct = (messages: { value: string | null }[]) => {
    const seen = new Map<string, TopicEvent>();
    for (const m of messages) {
      const event = JSON.parse(m.value!) as TopicEvent;
      if (ids.has(event.id) && !seen.has(event.id)) seen.set(event.id, event);
    }
    return [...seen.values()];
  };
  return distinct(await readTopic(topic, (m) => keyFilter(m.key ?? ''), (m) => distinct(m).length >= ids.size, timeoutMs));
}
