import { ThreadStateCache } from './thread-state.cache';
import { ThreadRecord } from './threads.repository';

const thread = (id: string, seq: number) => ({ _id: id, seq, state: 'open' }) as unknown as ThreadRecord;
/** What one of these threads counts for against the bound (as the cache measures it). */
const threadBytes = 64 + JSON.stringify(thread('a', 1)).length * 2;

function setup(options = { maxBytes: 100_000, maxAgeMs: 1_000 }) {
  let clock = 1_000_000;
  const cache = new ThreadStateCache(options, () => clock);
  const stored = new Map<string, ThreadRecord>([['a', thread('a', 1)], ['b', thread('b', 1)], ['c', thread('c', 1)]]);
  const load = jest.fn(async (id: string) => stored.get(id) ?? null);
  const get = (id: string) => cache.get(id, () => load(id));
  return { cache, stored, load, get, tick: (ms: number) => (clock += ms) };
}

describe('ThreadStateCache', () => {
  it('reads the database every time until the listener is live', async () => {
    const { get, load } = setup();
    await get('a');
    await get('a');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('once live, answers from memory until the thread changes, then loads it again', async () => {
    const { cache, get, load, stored } = setup();
    cache.setLive(true);
    expect(await get('a')).toMatchObject({ seq: 1 });
    expect(await get('a')).toMatchObject({ seq: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    stored.set('a', thread('a', 2));
    cache.forget('a');
    expect(await get('a')).toMatchObject({ seq: 2 });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never keeps a load that a change overtook, and shares one load among concurrent reads', async () => {
    const { cache, get, load, stored } = setup();
    cache.setLive(true);
    const [first, second] = [get('a'), get('a')];
    cache.forget('a'); // the thread changed while it loaded
    stored.set('a', thread('a', 2));
    expect((await first)?.seq).toBe(1);
    expect((await second)?.seq).toBe(1);
    expect(load).toHaveBeenCalledTimes(1);
    expect((await get('a'))?.seq).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not keep a missing thread, nor anything past its age or beyond its size', async () => {
    const { cache, get, load, tick } = setup({ maxBytes: 2 * threadBytes, maxAgeMs: 1_000 });
    cache.setLive(true);
    expect(await get('nope')).toBeNull();
    expect(await get('nope')).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
    await get('a');
    tick(1_001);
    await get('a');
    expect(load).toHaveBeenCalledTimes(4);
    await get('b');
    await get('c'); // evicts a, the least recently read
    expect(cache.size()).toBe(2);
    await get('a');
    expect(load).toHaveBeenCalledTimes(7);
  });

  it('holds no more bytes than its bound, and nothing at all with a bound of 0', async () => {
    const { cache, get } = setup({ maxBytes: 2 * threadBytes + 10, maxAgeMs: 1_000 });
    cache.setLive(true);
    await get('a');
    await get('b');
    await get('c');
    expect(cache.size()).toBe(2);
    expect(cache.bytes()).toBeLessThanOrEqual(2 * threadBytes + 10);
    const off = setup({ maxBytes: 0, maxAgeMs: 1_000 });
    off.cache.setLive(true);
    await off.get('a');
    await off.get('a');
    expect(off.load).toHaveBeenCalledTimes(2);
    expect(off.cache.size()).toBe(0);
  });

  it('ages a loaded thread from when its load began', async () => {
    const { cache, load, tick } = setup();
    cache.setLive(true);
    let release: () => void = () => undefined;
    const slow = cache.get('a', () => new Promise((resolve) => (release = () => resolve(thread('a', 1)))));
    tick(900); // the load took 900 ms of its 1,000
    release();
    await slow;
    tick(101);
    await cache.get('a', () => load('a'));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets everything when the listener loses the broker', async () => {
    const { cache, get, load } = setup();
    cache.setLive(true);
    await get('a');
    cache.setLive(false);
    await get('a');
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size()).toBe(0);
  });
});

describe('ThreadStateCache and thread events', () => {
  it("keeps what this instance committed when its own event comes back, forgets it for a newer one", async () => {
    const { cache, get, load } = setup();
    cache.setLive(true);
    cache.offer(thread('a', 5));
    cache.heard('a', 5); // our own change, heard back
    expect((await get('a'))?.seq).toBe(5);
    expect(load).not.toHaveBeenCalled();
    cache.heard('a', 6); // another instance changed it
    await get('a');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not hold an offered state older than one already heard, nor trust an event without a seq', async () => {
    const { cache, get, load } = setup();
    cache.setLive(true);
    cache.heard('a', 7);
    cache.offer(thread('a', 6)); // committed here, but another instance's 7 was heard first
    await get('a');
    expect(load).toHaveBeenCalledTimes(1);
    cache.offer(thread('b', 3));
    cache.heard('b', undefined);
    await get('b');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
