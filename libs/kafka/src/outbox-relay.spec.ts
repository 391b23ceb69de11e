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

  it('sends handovers of the same moment together: one produce request, one clearing call', async () => {
    const store = new MemoryStore();
    const clearings: number[] = [];
    const markPublished = store.markPublished.bind(store);
    store.markPublished = async (published) => {
      clearings.push(published.length);
      return markPublished(published);
    };
    const requests: string[][] = [];
    const counting = { publish: async (events: EventEnvelope<unknown>[]) => void requests.push(events.map((e) => e.id)) } as unknown as EventPublisher;
    const relay = new OutboxRelay('test', counting, store, { pollMs: 60_000 });
    for (const id of ['a', 'b', 'c']) {
      store.docs.set(id, [event(`${id}1`)]);
      relay.publishSoon({ id, events: store.docs.get(id)! });
    }
    await new Promise((resolve) => setImmediate(resolve));
    await relay.flush();
    expect(requests[0]).toEqual(['a1', 'b1', 'c1']);
    expect(clearings[0]).toBe(3);
    expect([...store.docs.values()].flat()).toEqual([]);
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

  it('answers publishNowMany at the broker acknowledgement, and clears the outbox after', async () => {
    const store = new MemoryStore();
    store.docs.set('a', [event('e1')]);
    store.docs.set('b', [event('e2')]);
    let release!: () => void;
    const slowClear = new Promise<void>((resolve) => (release = resolve));
    const markPublished = store.markPublished.bind(store);
    store.markPublished = async (published) => {
      await slowClear;
      await markPublished(published);
    };
    const relay = new OutboxRelay('test', publisher, store, { pollMs: 60_000 });
    const acknowledged = await relay.publishNowMany([{ id: 'a', events: [event('e1')] }, { id: 'b', events: [event('e2')] }], 1_000);
    expect(acknowledged).toBe(true);
    expect(sent).toEqual(['e1', 'e2']);
    expect(store.docs.get('a')).toHaveLength(1);
    release();
    await relay.flush();
    expect(store.docs.get('a')).toEqual([]);
    expect(store.docs.get('b')).toEqual([]);
  });

  it('answers false when the broker does not acknowledge in time; the events stay', async () => {
    const store = new MemoryStore();
    store.docs.set('a', [event('e1')]);
    failing = true;
    const relay = new OutboxRelay('test', publisher, store, { pollMs: 60_000 });
    expect(await relay.publishNowMany([{ id: 'a', events: [event('e1')] }], 1_000)).toBe(false);
    expect(store.docs.get('a')).toHaveLength(1);
  });
});

