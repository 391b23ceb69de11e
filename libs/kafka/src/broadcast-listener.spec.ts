import { EventEmitter } from 'node:events';
import { BroadcastListener } from './broadcast-listener';
import { KafkaClient } from './kafka.client';

/** A kafkajs client whose one consumer's instrumentation events the test fires by hand. */
function fakeKafka() {
  const emitter = new EventEmitter();
  const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', DISCONNECT: 'consumer.disconnect', STOP: 'consumer.stop' };
  const consumer = {
    events,
    on: (event: string, listener: () => void) => emitter.on(event, listener),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    disconnect: async () => undefined,
  };
  const kafka = {
    consumer: () => consumer,
    admin: () => ({ connect: async () => undefined, disconnect: async () => undefined, listTopics: async () => ['t'] }),
  };
  return { kafka: kafka as unknown as KafkaClient, fire: (event: keyof typeof events) => emitter.emit(events[event]) };
}

describe('BroadcastListener', () => {
  it('resets its caches on every group join, also one without a crash in between (a session expiry, a rebalance)', async () => {
    const { kafka, fire } = fakeKafka();
    const calls: string[] = [];
    const listener = new BroadcastListener(kafka, {
      topics: ['t'],
      groupPrefix: 'test',
      onEvents: () => undefined,
      onLive: () => calls.push('live'),
      onLost: () => calls.push('lost'),
    });
    listener.start();
    await new Promise((resolve) => setImmediate(resolve));
    fire('GROUP_JOIN');
    // Rejoined after the broker expired its session: it resumes at the newest offsets, and what
    // came meanwhile is never heard, so what the caches hold must go.
    fire('GROUP_JOIN');
    expect(calls).toEqual(['live', 'lost', 'live']);
    expect(listener.isLive()).toBe(true);
    fire('CRASH');
    fire('GROUP_JOIN');
    expect(calls).toEqual(['live', 'lost', 'live', 'lost', 'live']);
  });
});
