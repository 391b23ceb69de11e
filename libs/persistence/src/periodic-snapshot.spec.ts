import { PeriodicSnapshot } from './periodic-snapshot';

/** A loader whose loads the test settles one by one. */
function controlledLoader() {
  const pending: { resolve: (value: string) => void; reject: (error: Error) => void }[] = [];
  return {
    pending,
    load: () => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PeriodicSnapshot', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('answers nothing until the first load has succeeded, then the loaded value', async () => {
    const loader = controlledLoader();
    const snapshot = new PeriodicSnapshot({ load: loader.load, refreshMs: 1_000, now: clock });
    expect(snapshot.current()).toBeUndefined();
    const loaded = snapshot.refresh();
    expect(snapshot.current()).toBeUndefined();
    loader.pending[0]!.resolve('v1');
    await loaded;
    expect(snapshot.current()).toBe('v1');
  });

  it('keeps the old snapshot through failed loads until it is maxAgeMs old, then answers nothing', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const snapshot = new PeriodicSnapshot({
      load: async () => {
        calls++;
        if (calls > 1) throw new Error('database away');
        return 'v1';
      },
      refreshMs: 1_000,
      now: clock,
      onError: (error) => errors.push(error),
    });
    await snapshot.refresh();
    now += 1_000;
    await expect(snapshot.refresh()).resolves.toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ message: 'database away' })]);
    now += 4_000; // 5 s after the successful load started: the bound, still served
    expect(snapshot.current()).toBe('v1');
    now += 1;
    expect(snapshot.current()).toBeUndefined();
  });

  it('measures age from when the load started, not when it ended', async () => {
    const loader = controlledLoader();
    const snapshot = new PeriodicSnapshot({ load: loader.load, refreshMs: 1_000, maxAgeMs: 5_000, now: clock });
    const loaded = snapshot.refresh();
    now += 4_000;
    loader.pending[0]!.resolve('slow');
    await loaded;
    expect(snapshot.current()).toBe('slow');
    now += 1_001;
    expect(snapshot.current()).toBeUndefined();
  });

  it("after this process's write, answers nothing until a load started after it has succeeded", async () => {
    const loader = controlledLoader();
    const snapshot = new PeriodicSnapshot({ load: loader.load, refreshMs: 1_000, now: clock });
    const first = snapshot.refresh();
    loader.pending[0]!.resolve('before');
    await first;

    // A timed load is under way when the write lands: it may have read before it.
    const timed = snapshot.refresh();
    const afterWrite = snapshot.refreshAfterWrite();
    expect(snapshot.current()).toBeUndefined();
    expect(loader.pending).toHaveLength(2); // no second load while one runs
    loader.pending[1]!.resolve('read before the write');
    await timed;
    expect(snapshot.current()).toBeUndefined();
    await settle();
    expect(loader.pending).toHaveLength(3); // the queued one started once the first was over
    loader.pending[2]!.resolve('after');
    await afterWrite;
    expect(snapshot.current()).toBe('after');
  });

  it('queues one load behind a running one however many writes ask, and the failed one answers nothing', async () => {
    const loader = controlledLoader();
    const snapshot = new PeriodicSnapshot({ load: loader.load, refreshMs: 1_000, now: clock });
    const running = snapshot.refresh();
    const queued = [snapshot.refreshAfterWrite(), snapshot.refreshAfterWrite(), snapshot.refreshAfterWrite()];
    loader.pending[0]!.resolve('stale');
    await running;
    await settle();
    expect(loader.pending).toHaveLength(2);
    loader.pending[1]!.reject(new Error('boom'));
    await Promise.all(queued);
    expect(snapshot.current()).toBeUndefined();
  });

  it('reloads every refreshMs without piling loads up, and stops on stop()', async () => {
    jest.useFakeTimers();
    try {
      const loader = controlledLoader();
      const snapshot = new PeriodicSnapshot({ load: loader.load, refreshMs: 1_000, now: clock });
      snapshot.start();
      expect(loader.pending).toHaveLength(1); // at once
      await jest.advanceTimersByTimeAsync(3_500);
      expect(loader.pending).toHaveLength(1); // a slow load: ticks skip
      loader.pending[0]!.resolve('v1');
      await jest.advanceTimersByTimeAsync(1_000);
      expect(loader.pending).toHaveLength(2);
      loader.pending[1]!.resolve('v2');
      await jest.advanceTimersByTimeAsync(0);
      expect(snapshot.current()).toBe('v2');
      snapshot.stop();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(loader.pending).toHaveLength(2);
      expect(jest.getTimerCount()).toBe(0);
      await snapshot.refresh();
      expect(loader.pending).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('is off with refreshMs 0: never loads, never answers', async () => {
    const load = jest.fn(async () => 'v');
    const snapshot = new PeriodicSnapshot({ load, refreshMs: 0, now: clock });
    snapshot.start();
    await snapshot.refreshAfterWrite();
    expect(load).not.toHaveBeenCalled();
    expect(snapshot.current()).toBeUndefined();
  });
});
