import { EventEnvelope } from '@app/contracts';
import { HANDOVER_TRUST_MS, ThreadChangesOutbox } from './thread-changes.outbox';

const event = (id: string) => ({ id, type: 'thread.opened' }) as unknown as EventEnvelope<unknown>;

/** A stand-in for the thread_changes model: pending changes, and what the store asked of it. */
function fakeChanges(ids: string[]) {
  const pending = new Map(ids.map((id) => [id, [event(`${id}-e`)]]));
  const calls: string[] = [];
  let failWrites = false;
  const model = {
    find: () => {
      let limit = Infinity;
      const query = {
        sort: () => query,
        limit: (n: number) => ((limit = n), query),
        lean: async () =>
          [...pending]
            .slice(0, limit)
            .map(([_id, outbox]) => ({ _id, outbox, articleId: `story-${_id}`, snapshot: { seq: 1 } })),
      };
      return query;
    },
    bulkWrite: async (ops: { updateOne: { filter: { _id: string; pending: true } } }[]) => {
      calls.push(`bulkWrite ${ops.map((op) => op.updateOne.filter._id).join(',')}`);
      if (failWrites) throw new Error('database down');
      for (const op of ops) pending.delete(op.updateOne.filter._id);
      return { matchedCount: ops.length };
    },
  };
  return { model, calls, pending, failWrites: (fail: boolean) => (failWrites = fail) };
}

function setup(ids: string[]) {
  const db = fakeChanges(ids);
  const shown: string[] = [];
  let now = 1_000_000;
  const store = new ThreadChangesOutbox(
    db.model as never,
    async (articleId) => void shown.push(articleId),
    () => now,
  );
  return { db, store, shown, advance: (ms: number) => (now += ms) };
}

const poll = (store: ThreadChangesOutbox) => store.findPending(new Date(), 10);

describe('ThreadChangesOutbox', () => {
  it('leaves to the fast path what this process handed over, and polls the rest (shown first)', async () => {
    const { store, shown } = setup(['a', 'b']);
    store.handedOver([{ id: 'a', events: [event('a-e')] }]);
    expect(await poll(store)).toEqual([{ id: 'b', events: [event('b-e')] }]);
    expect(shown).toEqual(['story-b']);
  });

  it('polls a handover that failed, or that has not finished within the trust period', async () => {
    const { store, advance } = setup(['a', 'b']);
    store.handedOver([{ id: 'a', events: [event('a-e')] }, { id: 'b', events: [event('b-e')] }]);
    store.handoverFailed([{ id: 'a', events: [event('a-e')] }]);
    expect((await poll(store)).map((p) => p.id)).toEqual(['a']);
    advance(HANDOVER_TRUST_MS + 1);
    expect((await poll(store)).map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('clears by _id in one bulk command; a change published but not cleared is cleared again, not sent again', async () => {
    const { db, store, shown } = setup(['a', 'b']);
    store.handedOver([{ id: 'a', events: [event('a-e')] }]);
    db.failWrites(true);
    await expect(store.markPublished([{ id: 'a', events: [event('a-e')] }])).rejects.toThrow('database down');
    db.failWrites(false);
    expect(await poll(store)).toEqual([
      { id: 'a', events: [] },
      { id: 'b', events: [event('b-e')] },
    ]);
    expect(shown).toEqual(['story-b']);
    await store.markPublished(await poll(store));
    expect(db.calls).toEqual(['bulkWrite a', 'bulkWrite a,b']);
    expect(db.pending.size).toBe(0);
    expect(await poll(store)).toEqual([]);
  });
});
