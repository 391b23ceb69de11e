import { ShortLivedCache } from './short-lived-cache';

/** A cache on a hand-moved clock, and a store whose loads are counted. */
/** Each value counts for 10 bytes, so a bound of 10 × n holds n of them. */
function setup(options: { ttlMs?: number; maxBytes?: number } = {}) {
  let now = 1_000_000;
  const cache = new ShortLivedCache<string, string>({ ttlMs: options.ttlMs ?? 1_000, maxBytes: options.maxBytes ?? 1_000, sizeOf: () => 10, now: () => now });
  const store = new Map<string, string>();
  const loads: string[] = [];
  const load = (key: string) => async () => {
    loads.push(key);
    const value = store.get(key) ?? null; // read at once, answered a moment later, as a query is
    await new Promise((resolve) => setImmediate(resolve));
    return value;
  };
  const get = (key: string) => cache.get(key, load(key));
  return { cache, store, loads, get, advance: (ms: number) => (now += ms) };
}

describe('ShortLivedCache', () => {
  it('serves a value until its time is up, then loads it again', async () => {
    const { store, loads, get, advance } = setup({ ttlMs: 1_000 });
    store.set('a', 'one');
    expect(await get('a')).toBe('one');
    store.set('a', 'two'); // another process's write
    advance(1_000); // at most ttlMs old: still served
    expect(await get('a')).toBe('one');
    advance(1);
    expect(await get('a')).toBe('two');
    expect(loads).toEqual(['a', 'a']);
  });

  it('never stores "not found": the next read asks again', async () => {
    const { store, loads, get } = setup();
    expect(await get('late')).toBeNull();
    store.set('late', 'arrived');
    expect(await get('late')).toBe('arrived');
    expect(loads).toEqual(['late', 'late']);
  });

  it('drops the least recently used beyond its bound in bytes', async () => {
    const { cache, store, loads, get } = setup({ maxBytes: 20 });
    for (const key of ['a', 'b', 'c']) store.set(key, key);
    await get('a');
    await get('b');
    await get('a'); // a is now more recent than b
    await get('c'); // b goes
    expect(cache.size).toBe(2);
    loads.length = 0;
    await get('a');
    await get('c');
    await get('b');
    expect(loads).toEqual(['b']);
  });

  it('shares one load among concurrent misses of a key', async () => {
    const { store, loads, get } = setup();
    store.set('hot', 'story');
    expect(await Promise.all([get('hot'), get('hot'), get('hot')])).toEqual(['story', 'story', 'story']);
    expect(loads).toEqual(['hot']);
  });

  it('forgets a key at once when this process writes it, even if a load was under way', async () => {
    const { cache, store, loads, get } = setup();
    store.set('a', 'old');
    expect(await get('a')).toBe('old');
    store.set('a', 'new');
    cache.invalidate('a');
    expect(await get('a')).toBe('new');

    // A load that read before a write must not be stored after it.
    store.set('b', 'before');
    const racing = get('b');
    store.set('b', 'after');
    cache.invalidate('b');
    expect(await racing).toBe('before'); // its caller asked before the write
    expect(await get('b')).toBe('after');
    expect(loads).toEqual(['a', 'a', 'b', 'b']);
  });

  it('does not cache at all with a time of 0', async () => {
    const { store, loads, get } = setup({ ttlMs: 0 });
    store.set('a', 'one');
    await get('a');
    await get('a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('passes a failed load on and stores nothing', async () => {
    const cache = new ShortLivedCache<string, string>({ ttlMs: 1_000, maxBytes: 1_000, sizeOf: (value) => value.length * 2 });
    await expect(cache.get('a', async () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect(await cache.get('a', async () => 'back')).toBe('back');
  });
});
