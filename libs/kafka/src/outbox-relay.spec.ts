import { EventEnvelope } from '@app/contracts';
import { EventPublisher } from './event-publisher';
import { OutboxRelay, OutboxStore, PendingOutbox } from './outbox-relay';

const event = (id: string) => ({ id, type: 'article.published', key: 'k' }) as EventEnvelope<unknown>;

/** An in-memory store: documents with outboxes, as the database would hold them. */
class MemoryStore implements OutboxStore {
  docs = new Map<string, EventEnvelope<unknown>[]>();
  async findPending(_olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    return [...this.docs].filter(([, events]) => events.length).slice(0, limit).map(([id, events]) => ({ id, events: [...events] }));
  }
  async markPublished(published: PendingOutbox[]): Promise<void> {
    for (const { id, events } of published) this.docs.set(id, (this.docs.get(id) ?? []).filter((e) => !events.some((p) => p.id === e.id)));
  }
}

describe('OutboxRelay', () => {
  let sent: string[];
  let failing: boolean;
  const publisher = { publish: async (events: EventEnvelope<unknown>[]) => {
    if (failing) throw new Error('broker down');
    sent.push(...events.map((e) => e.id));
  } } as unknown as EventPublisher;

  beforeEach(() => {
    sent = [];
    failing = false;
  });

  it('publishes right after a write and clears the outbox', async () => {
    const store = new MemoryStore();
    store.docs.set('a', [event('e1'), event('e2')]);
    const relay = new OutboxRelay('test', publisher, store, { pollMs: 60_000 });
    relay.publishSoon({ id: 'a', events: store.docs.get('a')! });
    await relay.flush();
    expect(sent).toEqual(['e1', 'e2']);
    expect(store.docs.get('a')).toEqual([]);
  });

  it('keeps events when the broker is down, and the poller publishes them later in order', async () => {
    const store = new MemoryStore();
    store.docs.set('a', [event('e1')]);
    const relay = new OutboxRelay('test', publisher, store, { pollMs: 60_000, graceMs: 0 });
    failing = true;
    relay.publishSoon({ id: 'a', events: [event('e1')] });
    await relay.flush();
    expect(store.docs.get('a')).toHaveLength(1);
    store.docs.get('a')!.push(event('e2'));
    failing = false;
    await relay.flush();
    expect(sent).toEqual(['e1', 'e2']);
    expect(store.docs.get('a')).toEqual([]);
  });

  it('publishes what a crashed instance left behind when it starts', async () => {
    const store = new MemoryStore();
    store.docs.set('x', [event('left-1')]);
    store.docs.set('y', [event('left-2')]);
    const relay = new OutboxRelay('test', publisher, store, { pollMs: 60_000, graceMs: 0, batchSize: 1 });
    await relay.flush();
    expect(sent.sort()).toEqual(['left-1', 'left-2']);
  });
});
