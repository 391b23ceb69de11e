import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('commits items of the same moment together and gives each caller its own outcome', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => (n < 0 ? { status: 'rejected', reason: new Error(`bad ${n}`) } : { status: 'fulfilled', value: n * 10 }));
    }, { lingerMs: 5, maxBatch: 100 });
    const outcomes = await Promise.allSettled([group.submit(1), group.submit(-2), group.submit(3)]);
    expect(batches).toEqual([[1, -2, 3]]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([10, 'bad -2', 30]);
  });

  it('fails every caller of a batch whose commit throws, and the next batch starts afresh', async () => {
    let fail = true;
    const group = new GroupCommit<string, string>(async (items) => {
      if (fail) throw new Error('database away');
      return items.map((value) => ({ status: 'fulfilled', value }));
    }, { lingerMs: 1, maxBatch: 100 });
    const failed = await Promise.allSettled([group.submit('a'), group.submit('b')]);
    expect(failed.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(group.submit('c')).resolves.toBe('c');
  });

  it('commits a full batch at once, and with no linger every item alone', async () => {
    const batches: number[][] = [];
    const commit = async (items: number[]) => {
      batches.push(items);
      return items.map((value): PromiseSettledResult<number> => ({ status: 'fulfilled', value }));
    };
    const full = new GroupCommit<number, number>(commit, { lingerMs: 60_000, maxBatch: 2 });
    await Promise.all([full.submit(1), full.submit(2)]);
    const alone = new GroupCommit<number, number>(commit, { lingerMs: 0, maxBatch: 100 });
    await Promise.all([alone.submit(3), alone.submit(4)]);
    expect(batches).toEqual([[1, 2], [3], [4]]);
  });
});
