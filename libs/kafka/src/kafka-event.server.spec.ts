import { randomUUID } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { createEvent } from '@app/contracts';
import { ServiceConfig } from '@app/config';
import { EventPublisher } from './event-publisher';
import { KafkaClient } from './kafka.client';
import { KafkaEventServer, lanesOf } from './kafka-event.server';
import { TopicAdmin } from './topic-admin';
import { crashMetadata, CrashGuard, lanesMetadata, RECOVERY_WINDOW } from './crash-guard';

const unpublished = () =>
  createEvent('article.unpublished', 'story-1', { articleId: randomUUID(), revision: 2, unpublishedAt: new Date() }, { producer: 'articles', correlationId: 'c' });

const kafkaMessage = (value: string, offset = '7'): KafkaMessage =>
  ({ key: Buffer.from('story-1'), value: Buffer.from(value), offset, headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

describe('KafkaEventServer', () => {
  let deadLetters: { topic: string; headers: Record<string, unknown>; value: unknown }[];
  let server: KafkaEventServer;
  const heartbeat = jest.fn(async () => undefined);

  beforeEach(() => {
    deadLetters = [];
    const publisher = {
      sendRaw: async (topic: string, messages: { headers: Record<string, unknown>; value: unknown }[]) => {
        deadLetters.push(...messages.map((m) => ({ topic, headers: m.headers, value: m.value })));
      },
    } as unknown as EventPublisher;
    const config = { KAFKA_HANDLER_ATTEMPTS: 3, KAFKA_RETRY_BACKOFF_MS: 1, KAFKA_PARTITIONS: 3, KAFKA_CONSUMER_CONCURRENCY: 4, KAFKA_CRASH_ATTEMPTS: 3 } as ServiceConfig;
    server = new KafkaEventServer({} as KafkaClient, {} as TopicAdmin, publisher, config, { service: 'comments' });
  });

  const deliver = (value: string, active = () => true) =>
    (server as unknown as { onMessage: (...args: unknown[]) => Promise<void> }).onMessage('articles.events', 2, kafkaMessage(value), heartbeat, active);

  it('hands a valid event to its handler once', async () => {
    const handler = jest.fn(async () => undefined);
    server.addHandler('article.unpublished', handler, true);
    const event = unpublished();
    await deliver(JSON.stringify(event));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]).toEqual([expect.objectContaining({ id: event.id, type: 'article.unpublished' }), expect.anything()]);
    expect(deadLetters).toEqual([]);
  });

  it('retries a failing handler, then dead-letters with the error and lets the partition move on', async () => {
    const handler = jest.fn(async () => {
      throw new Error('database said no');
    });
    server.addHandler('article.unpublished', handler, true);
    await deliver(JSON.stringify(unpublished()));
    expect(handler).toHaveBeenCalledTimes(3);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].topic).toBe('comments.dlq');
    expect(deadLetters[0].headers).toMatchObject({
      'dlq-reason': 'handler_failed',
      'dlq-error': 'database said no',
      'dlq-attempts': '3',
      'dlq-origin-topic': 'articles.events',
      'dlq-origin-partition': '2',
      'dlq-origin-offset': '7',
      'dlq-consumer-group': 'comments',
    });
  });

  it('waits out a database outage without spending attempts: no good event dead-lettered while PostgreSQL restarts', async () => {
    let calls = 0;
    server.addHandler('article.unpublished', async () => {
      // What FerretDB answered while the PostgreSQL under it restarted (seen by the fault suite).
      if (++calls <= 6) throw new Error('[collection.go:109 postgresql.(*collection).Query] FATAL: terminating connection due to administrator command (SQLSTATE 57P01)');
    }, true);
    await deliver(JSON.stringify(unpublished()));
    expect(calls).toBe(7);
    expect(deadLetters).toEqual([]);
  });

  it('leaves a message unresolved when the consumer stops during an outage', async () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoServerSelectionError' });
    server.addHandler('article.unpublished', async () => {
      throw outage;
    }, true);
    await expect(deliver(JSON.stringify(unpublished()), () => false)).rejects.toBe(outage);
    expect(deadLetters).toEqual([]);
  });

  it('succeeds on a retry without dead-lettering', async () => {
    let calls = 0;
    server.addHandler('article.unpublished', async () => {
      if (++calls < 2) throw new Error('transient');
    }, true);
    await deliver(JSON.stringify(unpublished()));
    expect(calls).toBe(2);
    expect(deadLetters).toEqual([]);
  });

  it('dead-letters malformed events at once, and ignores events it has no handler for', async () => {
    const handler = jest.fn();
    server.addHandler('article.unpublished', handler, true);
    await deliver('{oops');
    expect(deadLetters.map((d) => d.headers['dlq-reason'])).toEqual(['malformed']);
    const other = createEvent('thread.hidden', 'k', {
      articleId: randomUUID(), seq: 2, state: 'hidden', reason: 'unpublished', closesAt: new Date(), archivesAt: new Date(), changedAt: new Date(),
    }, { producer: 'comments', correlationId: 'c' });
    await deliver(JSON.stringify(other));
    await deliver(JSON.stringify({ ...other, version: 9 }));
    expect(deadLetters).toHaveLength(1);
    expect(handler).not.toHaveBeenCalled();
  });

  describe('a batch', () => {
    const decided = (story: string, commentId: string) =>
      createEvent(
        'moderation.decided',
        story,
        { commentId, articleId: randomUUID(), revision: 1, decision: 'approve', rule: 'clean', reason: 'ok', decidedAt: new Date() },
        { producer: 'moderation', correlationId: 'c' },
      );
    const batchOf = (events: { key: string; value: string }[]) => {
      const resolved: string[] = [];
      const payload = {
        batch: {
          topic: 'moderation.events',
          partition: 0,
          messages: events.map((e, i) => ({ ...kafkaMessage(e.value, String(i)), key: Buffer.from(e.key) })),
        },
        resolveOffset: (offset: string) => resolved.push(offset),
        heartbeat,
        isRunning: () => true,
        isStale: () => false,
      };
      return { payload, resolved };
    };
    const onBatch = (payload: unknown) => (server as unknown as { onBatch: (p: unknown) => Promise<void> }).onBatch(payload);
    const internals = () => server as unknown as { crashGuard: CrashGuard; consumer: unknown };
    /** The partition's first messages since the join were walked one at a time already: lanes from here. */
    const pastRecovery = () => {
      for (let i = 0; i < RECOVERY_WINDOW; i++) internals().crashGuard.passed('moderation.events', 0);
    };
    /** What the broker holds as committed for the group, and the commits the consumer makes. */
    const committedWith = (rows: { topic: string; partition: number; metadata: string | null }[]) => {
      const commits: { offset: string; metadata?: string | null }[] = [];
      internals().crashGuard = new CrashGuard(3, async () => rows);
      internals().consumer = { commitOffsets: async (offsets: { offset: string; metadata?: string | null }[]) => void commits.push(...offsets) };
      return commits;
    };

    it('after a join, records each attempt with its offset before handling it, one message at a time', async () => {
      const commits = committedWith([]);
      const handled: string[] = [];
      server.addHandler('moderation.decided', async (event: { payload: { commentId: string } }) => {
        handled.push(event.payload.commentId);
      }, true);
      const events = [decided('s1', randomUUID()), decided('s2', randomUUID())];
      const { payload, resolved } = batchOf(events.map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(commits).toEqual([
        { topic: 'moderation.events', partition: 0, offset: '0', metadata: crashMetadata('0', 1) },
        // Passed: the count is cleared at once, so a later death blames only the message in flight.
        { topic: 'moderation.events', partition: 0, offset: '1', metadata: null },
        { topic: 'moderation.events', partition: 0, offset: '1', metadata: crashMetadata('1', 1) },
        { topic: 'moderation.events', partition: 0, offset: '2', metadata: null },
      ]);
      expect(handled).toHaveLength(2);
      expect(resolved).toEqual(['0', '1']);
    });

    it('dead-letters, unhandled, a message the process died on KAFKA_CRASH_ATTEMPTS times, and the partition moves on', async () => {
      const commits = committedWith([{ topic: 'moderation.events', partition: 0, metadata: crashMetadata('0', 3) }]);
      const handled: string[] = [];
      server.addHandler('moderation.decided', async (event: { payload: { commentId: string } }) => {
        handled.push(event.payload.commentId);
      }, true);
      const [poison, next] = [decided('s1', randomUUID()), decided('s1', randomUUID())];
      const { payload, resolved } = batchOf([poison, next].map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(handled).toEqual([next.payload.commentId]);
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]!.headers).toMatchObject({ 'dlq-reason': 'crashed_consumer', 'dlq-attempts': '3', 'dlq-origin-offset': '0' });
      expect(commits.map((c) => c.offset)).toEqual(['1', '2']);
      expect(resolved).toEqual(['0', '1']);
    });

    it('counts a message the process died on once more, and handles it again below the limit', async () => {
      const commits = committedWith([{ topic: 'moderation.events', partition: 0, metadata: crashMetadata('0', 1) }]);
      const handler = jest.fn(async () => undefined);
      server.addHandler('moderation.decided', handler, true);
      const { payload } = batchOf([decided('s1', randomUUID())].map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(commits).toEqual([
        { topic: 'moderation.events', partition: 0, offset: '0', metadata: crashMetadata('0', 2) },
        { topic: 'moderation.events', partition: 0, offset: '1', metadata: null },
      ]);
      expect(handler).toHaveBeenCalledTimes(1);
      expect(deadLetters).toEqual([]);
    });

    it('marks a batch before running it in lanes, so a death anywhere in it is counted on the next join', async () => {
      const commits = committedWith([]);
      server.addHandler('moderation.decided', async () => undefined, true);
      pastRecovery();
      const events = [decided('s1', randomUUID()), decided('s2', randomUUID()), decided('s3', randomUUID())];
      const { payload, resolved } = batchOf(events.map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(commits).toEqual([{ topic: 'moderation.events', partition: 0, offset: '0', metadata: lanesMetadata('2') }]);
      expect(resolved).toEqual(['2']);
    });

    it('after a join, walks one at a time, counted, the whole batch the previous owner died running in lanes', async () => {
      const commits = committedWith([{ topic: 'moderation.events', partition: 0, metadata: lanesMetadata('2') }]);
      const handled: string[] = [];
      server.addHandler('moderation.decided', async (event: { payload: { commentId: string } }) => void handled.push(event.payload.commentId), true);
      pastRecovery(); // past the window: only the mark makes these recovering
      const events = [0, 1, 2, 3, 4].map((i) => decided(`s${i}`, randomUUID()));
      const { payload, resolved } = batchOf(events.map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(commits.filter((c) => c.metadata === crashMetadata(c.offset, 1)).map((c) => c.offset)).toEqual(['0', '1', '2']);
      expect(commits.at(-1)).toEqual({ topic: 'moderation.events', partition: 0, offset: '3', metadata: lanesMetadata('4') });
      expect(handled).toHaveLength(5);
      expect(resolved).toEqual(['0', '1', '2', '4']);
    });

    it('keeps the order within a lane, runs lanes side by side, and resolves the whole batch', async () => {
      const log: string[] = [];
      let active = 0;
      let maxActive = 0;
      const handler = async (event: { payload: { commentId: string } }) => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(event.payload.commentId);
        active--;
      };
      server.addHandler('moderation.decided', handler, true, { orderBy: (event: { payload: { commentId: string } }) => event.payload.commentId });
      pastRecovery();
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      // Two decisions on comment a share a lane; b (same story) and c (another story) run beside them.
      const events = [decided('s1', a), decided('s1', b), decided('s1', a), decided('s2', c)];
      const { payload, resolved } = batchOf(events.map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(maxActive).toBeGreaterThan(1);
      expect(log.filter((id) => id === a)).toHaveLength(2);
      expect(deadLetters).toEqual([]);
      expect(resolved).toEqual(['3']);
    });

    it('hands a newest-of-batch handler only the highest version of each key, skipping the rest, and resolves the whole batch', async () => {
      const seen: [string, number][] = [];
      const newestOf = (event: { payload: { commentId: string; decisionSeq: number } }): [string, number] => [event.payload.commentId, event.payload.decisionSeq];
      const handler = async (event: { payload: { commentId: string; decisionSeq: number } }) => void seen.push(newestOf(event));
      server.addHandler('moderation.decided', handler, true, { newestOf });
      pastRecovery();
      const [a, b] = [randomUUID(), randomUUID()];
      const at = (commentId: string, decisionSeq: number) => {
        const event = decided('s1', commentId);
        return { ...event, payload: { ...event.payload, decisionSeq } };
      };
      // a: 1, 3, 2 (the newest left first: versions decide, not offsets); b alone.
      const events = [at(a, 1), at(b, 1), at(a, 3), at(a, 2)];
      const { payload, resolved } = batchOf(events.map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      await onBatch(payload);
      expect(seen.sort()).toEqual([[a, 3], [b, 1]].sort());
      expect(resolved).toEqual(['3']);
    });

    it('resolves only the prefix that is done when the consumer stops midway', async () => {
      let calls = 0;
      server.addHandler('moderation.decided', async () => {
        calls++;
      }, true);
      pastRecovery();
      const events = [decided('s1', randomUUID()), decided('s1', randomUUID()), decided('s1', randomUUID())];
      const { payload, resolved } = batchOf(events.map((event) => ({ key: event.key, value: JSON.stringify(event) })));
      let running = 2;
      payload.isRunning = () => running-- > 0;
      await onBatch(payload);
      expect(calls).toBe(2);
      expect(resolved).toEqual(['1']);
    });
  });

  it('puts events that share any ordering key in one lane, in order', () => {
    const lane = (keys: string[][]) => lanesOf(keys.map((k, i) => ({ keys: k, i }))).map((l) => l.map((item) => item.i));
    expect(lane([['c:1', 'a:x'], ['c:2', 'a:y'], ['c:3', 'a:x'], ['c:2'], ['c:4', 'a:z']])).toEqual([[0, 2], [1, 3], [4]]);
    // Transitively: 0 and 2 share nothing directly, but both share a key with 1.
    expect(lane([['a'], ['a', 'b'], ['b'], ['c']])).toEqual([[0, 1, 2], [3]]);
  });

  // The fault suite's broker restart on a crowded box: kafkajs gave up ("Failed to find group
  // coordinator", restart: false) and every service stayed unready, consuming nothing, for good.
  it('starts consuming again after a crash kafkajs does not restart from', async () => {
    jest.useFakeTimers();
    try {
      const consumers: { handlers: Map<string, (e: unknown) => void>; runs: number; disconnects: number }[] = [];
      const kafka = {
        consumer: () => {
          const c = { handlers: new Map<string, (e: unknown) => void>(), runs: 0, disconnects: 0 };
          consumers.push(c);
          return {
            events: { CRASH: 'crash', GROUP_JOIN: 'join' },
            on: (name: string, fn: (e: unknown) => void) => c.handlers.set(name, fn),
            connect: async () => undefined,
            subscribe: async () => undefined,
            run: async () => void c.runs++,
            disconnect: async () => void c.disconnects++,
          };
        },
      } as unknown as KafkaClient;
      const config = { KAFKA_SESSION_TIMEOUT_MS: 30_000, KAFKA_PARTITIONS: 3, KAFKA_TOPIC_PREFIX: '', KAFKA_CRASH_ATTEMPTS: 3 } as ServiceConfig;
      const crashing = new KafkaEventServer(kafka, { ready: async () => undefined } as unknown as TopicAdmin, {} as EventPublisher, config, { service: 'articles' });
      crashing.addHandler('article.unpublished', async () => undefined, true);
      await new Promise<void>((resolve, reject) => crashing.listen((error) => (error ? reject(error) : resolve())));
      expect(crashing.isHealthy()).toBe(true);

      consumers[0]!.handlers.get('crash')!({ payload: { error: new Error('Failed to find group coordinator'), restart: false } });
      expect(crashing.isHealthy()).toBe(false);
      await jest.advanceTimersByTimeAsync(2_500);
      expect(consumers).toHaveLength(2);
      expect(consumers[0]!.disconnects).toBe(1);
      expect(consumers[1]!.runs).toBe(1);
      expect(crashing.isHealthy()).toBe(true);

      // A crash kafkajs restarts from itself is left to it.
      consumers[1]!.handlers.get('crash')!({ payload: { error: new Error('rebalancing'), restart: true } });
      await jest.advanceTimersByTimeAsync(5_000);
      expect(consumers).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
