import { crashMetadata, CrashGuard, RECOVERY_WINDOW } from './crash-guard';

describe('CrashGuard', () => {
  it('counts on from the attempt a dead process left in the committed metadata, for that offset only', async () => {
    const committed = [
      { topic: 't', partition: 0, metadata: crashMetadata('41', 2) },
      { topic: 't', partition: 1, metadata: null },
      { topic: 't', partition: 2, metadata: 'not json' },
    ];
    const guard = new CrashGuard(3, async () => committed);
    guard.joined();
    expect(await guard.attemptOf('t', 0, '41')).toBe(3);
    expect(await guard.attemptOf('t', 0, '42')).toBe(1); // the crashing one was passed since
    expect(await guard.attemptOf('t', 1, '7')).toBe(1);
    expect(await guard.attemptOf('t', 2, '7')).toBe(1);
  });

  it('walks the first messages of each partition after a join one at a time, then lets them run in lanes', () => {
    const guard = new CrashGuard(3, async () => []);
    guard.joined();
    for (let i = 0; i < RECOVERY_WINDOW; i++) {
      expect(guard.recovering('t', 0)).toBe(true);
      guard.passed('t', 0);
    }
    expect(guard.recovering('t', 0)).toBe(false);
    expect(guard.recovering('t', 1)).toBe(true);
    guard.joined();
    expect(guard.recovering('t', 0)).toBe(true);
  });
});
