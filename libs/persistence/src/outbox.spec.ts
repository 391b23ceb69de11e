import { EventEnvelope } from '@app/contracts';
import { MongooseOutboxStore } from './outbox';

const event = (id: string) => ({ id, type: 'comment.submitted' }) as unknown as EventEnvelope<unknown>;

/** A stand-in for the mongoose model: records what the store asks of the database. */
function fakeModel(docs: Record<string, { outbox: EventEnvelope<unknown>[]; updatedAt: Date; outboxPending?: boolean }>) {
  const calls: string[] = [];
  /** Documents the database handed back, over all finds. */
  let readCount = 0;
  const model = {
    find: jest.fn(() => {
      let limit = Infinity;
      const query = {
        sort: () => query,
        limit: (n: number) => ((limit = n), query),
        lean: async () => {
          calls.push('find');
          const found = Object.entries(docs)
            .filter(([, doc]) => doc.outboxPending)
            .slice(0, limit)
            .map(([_id, doc]) => ({ _id, outbox: doc.outbox, outboxAt: new Date(0) }));
          readCount += found.length;
          return found;
        },
      };
      return query;
    }),
    findById: jest.fn((id: string) => ({
      lean: async () => {
        calls.push(`findById ${id}`);
        return docs[id] ? { _id: id, ...docs[id] } : null;
      },
    })),
    updateOne: jest.fn(async (filter: { _id: string; updatedAt: Date }) => {
      calls.push(`updateOne ${filter._id}`);
      return { matchedCount: clear(filter) };
    }),
    bulkWrite: jest.fn(async (ops: { updateOne: { filter: { _id: string; updatedAt: Date } } }[]) => {
      calls.push(`bulkWrite ${ops.map((op) => op.updateOne.filter._id).join(',')}`);
      return { matchedCount: ops.reduce((n, op) => n + clear(op.updateOne.filter), 0) };
    }),
  };
  function clear(filter: { _id: string; updatedAt: Date }): number {
    const doc = docs[filter._id];
    if (!doc || doc.updatedAt.getTime() !== filter.updatedAt.getTime()) return 0;
    doc.outbox = [];
    delete doc.outboxPending;
    return 1;
  }
  return { model, calls, read: () => readCount };
}

describe('MongooseOutboxStore, clearing by version', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:10Z') }));
  afterEach(() => jest.useRealTimers());

  it('clears quiet versions with one bulk of conditional updates and no read; a newer version replaces an older one', async () => {
    const v1 = new Date('2026-01-01T00:00:09Z');
    const v2 = new Date('2026-01-01T00:00:09.500Z');
    const docs = {
      c: { outbox: [event('e1'), event('e2')], updatedAt: v2, outboxPending: true },
      d: { outbox: [event('e3')], updatedAt: v1, outboxPending: true },
    };
    const { model, calls } = fakeModel(docs);
    const store = new MongooseOutboxStore(model as never, 2_000);
    await store.markPublished([{ id: 'c', events: [event('e1')], version: v1 }]);
    await store.markPublished([
      { id: 'c', events: [event('e1'), event('e2')], version: v2 },
      { id: 'd', events: [event('e3')], version: v1 },
    ]);
    expect(calls).toEqual([]); // nothing read, nothing written yet: the document is not quiet
    // The poller meanwhile leaves it alone: its events are out and its clearing is due.
    expect(await store.findPending(new Date(), 10)).toEqual([]);
    jest.setSystemTime(new Date('2026-01-01T00:00:11.600Z'));
    await store.sweep();
    expect(calls).toEqual(['find', 'bulkWrite c,d']);
    expect(model.bulkWrite.mock.calls[0]![0][0]).toEqual({
      updateOne: { filter: { _id: 'c', updatedAt: v2 }, update: { $set: { outbox: [] }, $unset: { outboxAt: 1, outboxPending: 1 } } },
    });
    expect([docs.c.outbox, docs.d.outbox]).toEqual([[], []]);
  });

  it('leaves a document another process changed to the poller, which reads it and publishes nothing twice', async () => {
    const v1 = new Date('2026-01-01T00:00:05Z');
    const docs = { c: { outbox: [event('e1'), event('e9')], updatedAt: new Date('2026-01-01T00:00:06Z'), outboxPending: true } };
    const { model } = fakeModel(docs);
    const store = new MongooseOutboxStore(model as never, 2_000);
    await store.markPublished([{ id: 'c', events: [event('e1')], version: v1 }]);
    await store.sweep();
    expect(docs.c.outbox.map((e) => e.id)).toEqual(['e1', 'e9']); // not matched: changed since
    // The poller finds it; only the event this process did not publish is to be sent.
    const pending = await store.findPending(new Date(), 10);
    expect(pending).toEqual([{ id: 'c', events: [event('e9')] }]);
    await store.markPublished(pending);
    expect(model.findById).toHaveBeenCalledWith('c', { outbox: 1, updatedAt: 1 });
    expect(docs.c.outbox).toEqual([]);
  });

  it('drops a due version as soon as a newer one is handed over, so the sweep never sends a clearing that cannot match', async () => {
    const v1 = new Date('2026-01-01T00:00:05Z');
    const v2 = new Date('2026-01-01T00:00:09.900Z');
    const docs = { c: { outbox: [event('e1'), event('e2')], updatedAt: v2, outboxPending: true } };
    const { model, calls } = fakeModel(docs);
    const store = new MongooseOutboxStore(model as never, 2_000);
    await store.markPublished([{ id: 'c', events: [event('e1')], version: v1 }]);
    store.handedOver([{ id: 'c', events: [event('e1'), event('e2')], version: v2 }]); // written, not yet published
    await store.sweep();
    expect(calls).toEqual([]);
    await store.markPublished([{ id: 'c', events: [event('e1'), event('e2')], version: v2 }]);
    jest.setSystemTime(new Date('2026-01-01T00:00:12Z'));
    await store.sweep();
    expect(calls).toEqual(['bulkWrite c']);
    expect(docs.c.outbox).toEqual([]);
  });

  it('reads a bounded page of the backlog per poll, not the whole of it (a broker outage leaves thousands pending)', async () => {
    const docs = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`d${i}`, { outbox: [event(`e${i}`)], updatedAt: new Date(0), outboxPending: true }]),
    );
    const { model, read } = fakeModel(docs);
    const store = new MongooseOutboxStore(model as never, 2_000);
    expect(await store.findPending(new Date(), 100)).toHaveLength(100);
    expect(read()).toBe(100);
  });
});
