import { crashMetadata, CrashGuard, lanesMetadata, lanesThroughOf, RECOVERY_WINDOW } from './crash-guard';

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

  it('walks the first messages of each partition after a join one at a time, then lets them run in lanes', async () => {
    const guard = new CrashGuard(3, async () => []);
    guard.joined();
    for (let i = 0; i < RECOVERY_WINDOW; i++) {
      expect(await guard.recovering('t', 0, String(i))).toBe(true);
      guard.passed('t', 0);
    }
    expect(await guard.recovering('t', 0, '20')).toBe(false);
    expect(await guard.recovering('t', 1, '0')).toBe(true);
    guard.joined();
    expect(await guard.recovering('t', 0, '20')).toBe(true);
  });

  it('walks past the window, one at a time, up to the end of a batch a dead process was running in lanes', async () => {
    const guard = new CrashGuard(3, async () => [{ topic: 't', partition: 0, metadata: lanesMetadata('500') }]);
    guard.joined();
    for (let i = 0; i < RECOVERY_WINDOW; i++) guard.passed('t', 0);
    expect(await guard.recovering('t', 0, '500')).toBe(true);
    expect(await guard.recovering('t', 0, '501')).toBe(false);
    expect(await guard.attemptOf('t', 0, '480')).toBe(1);
  });

  it('reads a lanes mark only from well-formed metadata', () => {
    expect(lanesThroughOf(lanesMetadata('12'))).toBe('12');
    expect(lanesThroughOf(crashMetadata('12', 1))).toBeUndefined();
    expect(lanesThroughOf('{"lanes":{"through":12}}')).toBeUndefined();
    expect(lanesThroughOf('nope')).toBeUndefined();
    expect(lanesThroughOf(null)).toBeUndefined();
  });
});
