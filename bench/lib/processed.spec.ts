// eslint-disable-next-line @typescript-eslint/no-require-imports
const { processedReport, compactSeries, median, ratio } = require('./processed') as typeof import('./processed');

describe('bench processed figures', () => {
  const t0 = 1_000_000;

  it('counts processed/s from final events inside the load window, and the backlog each second until drained', () => {
    // 4 accepted in a 2 s load; finals at +0.5 s, +1.5 s, +2.5 s (after the load), +3.2 s.
    const accepted = [
      { id: 'a', sentAt: t0 + 100, acceptedAt: t0 + 110 },
      { id: 'b', sentAt: t0 + 200, acceptedAt: t0 + 210 },
      { id: 'c', sentAt: t0 + 1200, acceptedAt: t0 + 1210 },
      { id: 'd', sentAt: t0 + 1900, acceptedAt: t0 + 1950 },
    ];
    const finals: Record<string, number> = { a: t0 + 500, b: t0 + 1500, c: t0 + 2500, d: t0 + 3200 };
    const r = processedReport({ accepted, finalAt: (id: string) => finals[id], loadStart: t0, loadEnd: t0 + 2000 });
    expect(r.accepted).toBe(4);
    expect(r.processed).toBe(4);
    expect(r.acceptedPerSecond).toBe(2);
    expect(r.processedPerSecond).toBe(1); // a and b inside the window
    // end of second 1: 2 accepted, 1 processed; 2: 4 − 2; 3: 4 − 3; 4: 4 − 4.
    expect(r.backlogPerSecond).toEqual([1, 2, 1, 0]);
    expect(r.backlogMax).toBe(2);
    expect(r.drained).toBe(true);
    expect(r.drainSeconds).toBe(1.2);
    expect(r.submitToFinalMs.count).toBe(4);
    expect(r.submitToFinalMs.max).toBe(1300);
    expect(r.submitToFinalMs.p50).toBe(1300); // 400, 1300, 1300, 1300
  });

  it('does not call a backlog drained while an accepted comment has no final event', () => {
    const accepted = [
      { id: 'a', sentAt: t0, acceptedAt: t0 + 5 },
      { id: 'lost', sentAt: t0, acceptedAt: t0 + 5 },
    ];
    const r = processedReport({ accepted, finalAt: (id: string) => (id === 'a' ? t0 + 100 : undefined), loadStart: t0, loadEnd: t0 + 1000 });
    expect(r.drained).toBe(false);
    expect(r.drainSeconds).toBeNull();
    expect(r.notProcessed).toBe(1);
    expect(r.backlogPerSecond).toEqual([1]);
  });

  it('never counts a comment processed before it was accepted (a 202 the bench took late)', () => {
    const accepted = [{ id: 'a', sentAt: t0, acceptedAt: t0 + 2500 }];
    const r = processedReport({ accepted, finalAt: () => t0 + 500, loadStart: t0, loadEnd: t0 + 3000 });
    expect(r.backlogPerSecond).toEqual([0, 0, 0]);
    expect(r.processedPerSecond).toBe(0.3);
  });

  it('elides the middle of a long series, takes medians and ratios', () => {
    expect(compactSeries([1, 2, 3])).toBe('1 2 3');
    expect(compactSeries(Array.from({ length: 10 }, (_, i) => i), 4)).toBe('0 1 … 8 9');
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(ratio(150, 100)).toBe(1.5);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 3)).toBeNull();
  });
});
