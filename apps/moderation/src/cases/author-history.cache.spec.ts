import { AuthorHistoryCache } from './author-history.cache';
import { PastCase } from './author-history.rules';

const row = (id: string, minutesAgo: number, status: PastCase['status'] = 'approved') => ({ id, status, postedAt: new Date(Date.now() - minutesAgo * 60_000), body: `body ${id}` });
let clock = Date.now();
const state = (commentId: string, status: PastCase['status'], authorId = 'a1') => ({ commentId, author: { id: authorId, name: 'A' }, status, postedAt: new Date((clock += 1000)), body: `body ${commentId}` });

describe('AuthorHistoryCache', () => {
  it('loads an author once, serves the rest from memory, and follows this instance’s own commits', async () => {
    const cache = new AuthorHistoryCache({ keep: 3, maxBytes: 1_000_000, ttlMs: 60_000 });
    let loads = 0;
    const load = async (limit: number) => {
      loads++;
      expect(limit).toBe(4);
      return [row('c2', 1), row('c1', 2)];
    };
    expect(await cache.latest('a1', 'new', load)).toMatchObject({ whole: true, cases: [{ body: 'body c2' }, { body: 'body c1' }] });
    cache.record(state('c3', 'held'));
    const after = await cache.latest('a1', 'c1', load);
    expect(after.cases.map((c) => [c.body, c.status])).toEqual([
      ['body c3', 'held'],
      ['body c2', 'approved'],
    ]);
    expect(loads).toBe(1);
  });

  it('keeps no more than it was asked to, and then no longer calls the history whole', async () => {
    const cache = new AuthorHistoryCache({ keep: 2, maxBytes: 1_000_000, ttlMs: 60_000 });
    await cache.latest('a1', 'x', async () => [row('c1', 3)]);
    for (const id of ['c2', 'c3', 'c4']) cache.record(state(id, 'approved'));
    const { cases, whole } = await cache.latest('a1', 'x', async () => []);
    expect(whole).toBe(false);
    expect(cases.map((c) => c.body)).toEqual(['body c4', 'body c3']);
  });

  it('does not keep a load that overlapped a commit about the same author', async () => {
    const cache = new AuthorHistoryCache({ keep: 5, maxBytes: 1_000_000, ttlMs: 60_000 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let loads = 0;
    const slow = async () => {
      loads++;
      await gate;
      return [row('c1', 1)];
    };
    const first = cache.latest('a1', 'x', slow);
    cache.record(state('c2', 'approved'));
    release();
    expect((await first).cases).toHaveLength(1);
    await cache.latest('a1', 'x', async () => {
      loads++;
      return [row('c2', 0), row('c1', 1)];
    });
    expect(loads).toBe(2);
  });

  it('forgets an author after its time to live, and holds nothing when turned off', async () => {
    const cache = new AuthorHistoryCache({ keep: 5, maxBytes: 1_000_000, ttlMs: 30 });
    let loads = 0;
    const load = async () => (loads++, [row('c1', 1)]);
    await cache.latest('a1', 'x', load);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cache.latest('a1', 'x', load);
    expect(loads).toBe(2);

    const off = new AuthorHistoryCache({ keep: 5, maxBytes: 0, ttlMs: 60_000 });
    await off.latest('a1', 'x', load);
    await off.latest('a1', 'x', load);
    expect(loads).toBe(4);
  });

  it('stays within its byte bound', async () => {
    const cache = new AuthorHistoryCache({ keep: 5, maxBytes: 2_000, ttlMs: 60_000 });
    let loads = 0;
    const load = async () => (loads++, [{ ...row('c1', 1), body: 'x'.repeat(400) }]);
    for (const author of ['a', 'b', 'c', 'd']) await cache.latest(author, 'x', load);
    await cache.latest('a', 'x', load);
    expect(loads).toBe(5);
  });
});
