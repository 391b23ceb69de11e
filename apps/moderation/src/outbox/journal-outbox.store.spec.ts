import { EventEnvelope } from '@app/contracts';
import { JournalOutboxStore, withPendingOutbox } from './journal-outbox.store';

type Doc = { _id: string; outbox: EventEnvelope<unknown>[]; outboxAt?: Date; outboxPending?: boolean };

/** Just enough of a mongoose model: find(equality).sort().limit().lean() and bulkWrite of updateOne. */
function fakeModel(docs: Doc[]) {
  const filters: unknown[] = [];
  return {
    filters,
    find(filter: Partial<Doc>) {
      filters.push(filter);
      const found = docs.filter((d) => Object.entries(filter).every(([k, v]) => d[k as keyof Doc] === v));
      const query = {
        sort: () => query,
        limit: (n: number) => ({ lean: async () => found.sort((a, b) => (a.outboxAt?.getTime() ?? 0) - (b.outboxAt?.getTime() ?? 0)).slice(0, n) }),
      };
      return query;
    },
    async bulkWrite(ops: { updateOne: { filter: { _id: string } } }[]) {
      for (const op of ops) {
        const doc = docs.find((d) => d._id === op.updateOne.filter._id)!;
        Object.assign(doc, { outbox: [] });
        delete doc.outboxAt;
        delete doc.outboxPending;
      }
    },
  };
}

const event = (id: string) => ({ id, type: 'moderation.decided' }) as EventEnvelope<unknown>;

describe('JournalOutboxStore', () => {
  it('finds entries with waiting events by an equality filter, oldest first, past the grace period', async () => {
    const now = Date.now();
    const docs: Doc[] = [
      withPendingOutbox({ _id: 'b', at: new Date(now - 5_000), outbox: [event('e2')] }),
      withPendingOutbox({ _id: 'a', at: new Date(now - 9_000), outbox: [event('e1')] }),
      withPendingOutbox({ _id: 'young', at: new Date(now), outbox: [event('e3')] }),
      withPendingOutbox({ _id: 'none', at: new Date(now - 9_000), outbox: [] }),
    ];
    const model = fakeModel(docs);
    const store = new JournalOutboxStore(model as never);
    const pending = await store.findPending(new Date(now - 1_000), 10);
    expect(pending).toEqual([
      { id: 'a', events: [event('e1')] },
      { id: 'b', events: [event('e2')] },
    ]);
    expect(model.filters).toEqual([{ outboxPending: true }]);

    await store.markPublished(pending);
    expect(docs.find((d) => d._id === 'a')).toEqual({ _id: 'a', at: expect.any(Date), outbox: [] });
    expect(await store.findPending(new Date(now + 1_000), 10)).toEqual([{ id: 'young', events: [event('e3')] }]);
  });
});
