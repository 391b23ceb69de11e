// eslint-disable-next-line @typescript-eslint/no-require-imports
const { summarize, percentile } = require('./stats') as typeof import('./stats');

describe('bench statistics', () => {
  it('takes nearest-rank percentiles over every value, the slowest included', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(summarize(values)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
    expect(percentile(Float64Array.from([7]), 99)).toBe(7);
    expect(summarize([]).p99).toBeNull();
  });
});
