import { RecountCoalescer } from './recount.coalescer';

describe('RecountCoalescer', () => {
  it('runs one recount at a time per story and folds the callers that wait into one more', async () => {
    const coalescer = new RecountCoalescer();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let count = 0;
    const recount = async () => {
      runs++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      const seen = ++count;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return seen;
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => coalescer.run('s', recount)));
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    expect(results).toEqual([1, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
    // Afterwards it starts afresh.
    expect(await coalescer.run('s', recount)).toBe(3);
  });

  it('keeps stories apart and passes a failure to the callers of that run only', async () => {
    const coalescer = new RecountCoalescer();
    const failing = coalescer.run('a', async () => {
      throw new Error('db down');
    });
    const other = coalescer.run('b', async () => 7);
    await expect(failing).rejects.toThrow('db down');
    expect(await other).toBe(7);
    expect(await coalescer.run('a', async () => 1)).toBe(1);
  });
});
