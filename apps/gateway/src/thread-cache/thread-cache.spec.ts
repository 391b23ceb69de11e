import { ThreadCache } from './thread-cache';
import { pageKeyOf } from './thread-cache.fast-path';

/** A fetch whose answers the test releases one by one. */
function gatedFetch() {
  const pending: Array<(body: string) => void> = [];
  let calls = 0;
  const fetch = () => {
    calls++;
    return new Promise<string>((resolve) => pending.push(resolve));
  };
  return { fetch, release: (body: string) => pending.shift()!(body), calls: () => calls };
}

describe('ThreadCache', () => {
  let clock: number;
  const cache = (maxStories = 10, maxAgeMs = 1_000, maxBytes = 1_000_000) => {
    const created = new ThreadCache({ maxStories, maxAgeMs, maxBytes }, () => clock);
    created.setEnabled(true);
    return created;
  };
  beforeEach(() => (clock = 0));

  it('fetches once and then serves the same text from memory', async () => {
    const threads = cache();
    const fetch = jest.fn(async () => '{"n":1}');
    expect(await threads.read('s1', 'p', fetch)).toBe('{"n":1}');
    expect(await threads.read('s1', 'p', fetch)).toBe('{"n":1}');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(threads.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('holds no more bytes than its bound: the least recently read stories go first, a page alone over it is not kept', async () => {
    const page = 'x'.repeat(1_000); // 128 + 2,000 bytes as counted
    const threads = cache(10, 1_000, 3 * 2_128);
    const fetch = jest.fn(async () => page);
    for (const id of ['s1', 's2', 's3']) await threads.read(id, 'p', fetch);
    await threads.read('s1', 'p', fetch); // s1 read again: s2 is now the least recently read
    await threads.read('s4', 'p', fetch);
    expect(threads.stats()).toMatchObject({ stories: 3, bytes: 3 * 2_128 });
    await threads.read('s1', 'p', fetch);
    expect(fetch).toHaveBeenCalledTimes(4);
    await threads.read('s2', 'p', fetch);
    expect(fetch).toHaveBeenCalledTimes(5);
    const big = jest.fn(async () => 'y'.repeat(10_000));
    expect(await threads.read('s5', 'p', big)).toHaveLength(10_000);
    expect(threads.stats().bytes).toBeLessThanOrEqual(3 * 2_128);
    await threads.read('s5', 'p', big);
    expect(big).toHaveBeenCalledTimes(2);
    threads.evict('s1');
    threads.setEnabled(true);
    expect(threads.stats()).toMatchObject({ stories: 0, bytes: 0 });
  });

  it('lets concurrent misses share one fetch', async () => {
    const threads = cache();
    const gate = gatedFetch();
    const reads = [threads.read('s1', 'p', gate.fetch), threads.read('s1', 'p', gate.fetch)];
    gate.release('a');
    expect(await Promise.all(reads)).toEqual(['a', 'a']);
    expect(gate.calls()).toBe(1);
  });

  it('after a change serves the stale page once and refreshes it in the background, one fetch at a time', async () => {
    const threads = cache();
    const gate = gatedFetch();
    const first = threads.read('s1', 'p', gate.fetch);
    gate.release('old');
    await first;
    threads.invalidate('s1');
    expect(await threads.read('s1', 'p', gate.fetch)).toBe('old');
    expect(await threads.read('s1', 'p', gate.fetch)).toBe('old');
    expect(gate.calls()).toBe(2);
    gate.release('new');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await threads.read('s1', 'p', gate.fetch)).toBe('new');
    expect(gate.calls()).toBe(2);
  });

  it('keeps a page fetched across a change stale, so the next read fetches again', async () => {
    const threads = cache();
    const gate = gatedFetch();
    const first = threads.read('s1', 'p', gate.fetch);
    gate.release('v1');
    await first;
    threads.invalidate('s1');
    await threads.read('s1', 'p', gate.fetch); // starts refresh #2
    threads.invalidate('s1'); // a change lands while it is in flight
    gate.release('v2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await threads.read('s1', 'p', gate.fetch)).toBe('v2');
    expect(gate.calls()).toBe(3);
  });

  it('never serves a page older than the maximum age', async () => {
    const threads = cache(10, 1_000);
    let n = 0;
    const fetch = async () => `v${++n}`;
    expect(await threads.read('s1', 'p', fetch)).toBe('v1');
    clock = 1_001;
    expect(await threads.read('s1', 'p', fetch)).toBe('v2');
  });

  it('forgets a page whose refresh failed (e.g. the thread was hidden)', async () => {
    const threads = cache();
    await threads.read('s1', 'p', async () => 'visible');
    threads.invalidate('s1');
    const failing = jest.fn(async () => {
      throw new Error('404');
    });
    expect(await threads.read('s1', 'p', failing)).toBe('visible');
    await new Promise((resolve) => setImmediate(resolve));
    await expect(threads.read('s1', 'p', failing)).rejects.toThrow('404');
  });

  it('drops the least recently read story when full', async () => {
    const threads = cache(2);
    const fetch = jest.fn(async () => 'x');
    await threads.read('a', 'p', fetch);
    await threads.read('b', 'p', fetch);
    await threads.read('a', 'p', fetch);
    await threads.read('c', 'p', fetch);
    expect(threads.stats().stories).toBe(2);
    await threads.read('a', 'p', fetch);
    expect(fetch).toHaveBeenCalledTimes(3);
    await threads.read('b', 'p', fetch);
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it('goes upstream every time while disabled (its listener does not hear changes)', async () => {
    const threads = cache();
    threads.setEnabled(false);
    const fetch = jest.fn(async () => 'x');
    await threads.read('s1', 'p', fetch);
    await threads.read('s1', 'p', fetch);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(threads.stats().bypassed).toBe(2);
  });
});

describe('ThreadCache.peek and the fast path key', () => {
  it('peeks what read() would serve without waiting: fresh pages as hits, stale or ageing ones while it refreshes them', async () => {
    let clock = 0;
    const threads = new ThreadCache({ maxStories: 10, maxAgeMs: 1_000, maxBytes: 1_000_000 }, () => clock);
    threads.setEnabled(true);
    expect(threads.peek('s', 'k')).toBeUndefined();
    let n = 0;
    const fetch = async () => `v${++n}`;
    await threads.read('s', 'k', fetch);
    expect(threads.peek('s', 'k')).toBe('v1');
    threads.invalidate('s'); // the story changed: served stale once, refreshed with the page's own fetch
    expect(threads.peek('s', 'k')).toBe('v1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(threads.peek('s', 'k')).toBe('v2');
    clock = 600; // past half its age: still served, and refreshed
    expect(threads.peek('s', 'k')).toBe('v2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(threads.peek('s', 'k')).toBe('v3');
    clock = 1_700; // past its age: the normal way waits for a fetch
    expect(threads.peek('s', 'k')).toBeUndefined();
    threads.setEnabled(false);
    expect(threads.peek('s', 'k')).toBeUndefined();
    expect(threads.stats()).toMatchObject({ hits: 3, staleHits: 2 });
    expect(n).toBe(3);
  });

  it('refreshes a page past half its age in the background, serving it meanwhile', async () => {
    let clock = 0;
    const threads = new ThreadCache({ maxStories: 10, maxAgeMs: 1_000, maxBytes: 1_000_000 }, () => clock);
    threads.setEnabled(true);
    let n = 0;
    const fetch = async () => `v${++n}`;
    await threads.read('s', 'k', fetch);
    clock = 600;
    expect(await threads.read('s', 'k', fetch)).toBe('v1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await threads.read('s', 'k', fetch)).toBe('v2');
  });

  it('computes the Nest route key for plainly valid queries only', () => {
    expect(pageKeyOf(undefined)).toBe('50|');
    expect(pageKeyOf('limit=20&cursor=abc')).toBe('20|abc');
    expect(pageKeyOf('limit=050')).toBe('50|');
    for (const bad of ['limit=0', 'limit=101', 'limit=x', 'limit=1&limit=2', 'cursor=', 'other=1', `cursor=${'a'.repeat(501)}`]) {
      expect(pageKeyOf(bad)).toBeUndefined();
    }
  });
});
