import { PastCase, readAuthorHistory } from './author-history.rules';
import { CaseStatus } from './case.schema';

const now = Date.parse('2025-06-01T12:00:00Z');
/** Cases newest first, one a minute back from now. */
const cases = (...statuses: CaseStatus[]): PastCase[] =>
  statuses.map((status, i) => ({ status, postedAt: new Date(now - i * 60_000), body: `body ${i}` }));
const options = (overrides: Partial<{ limit: number; since: Date; threshold: number }> = {}) => ({
  limit: 5,
  since: new Date(now - 150_000),
  threshold: 2,
  ...overrides,
});

describe('readAuthorHistory', () => {
  it('takes the bodies inside the window, newest first', () => {
    expect(readAuthorHistory(cases('held', 'approved', 'rejected', 'approved'), options()).recentBodies).toEqual(['body 0', 'body 1', 'body 2']);
  });

  it('counts exactly when the list is the whole history, even below the threshold', () => {
    expect(readAuthorHistory(cases('approved', 'held', 'rejected'), options({ threshold: 3 })).approvedCount).toBe(1);
    expect(readAuthorHistory([], options()).approvedCount).toBe(0);
  });

  it('counts reported comments as approved', () => {
    expect(readAuthorHistory(cases('reported', 'approved', 'deleted'), options()).approvedCount).toBe(2);
  });

  it('settles a full list that reaches the threshold without counting the rest', () => {
    expect(readAuthorHistory(cases('held', 'approved', 'held', 'approved', 'held'), options({ threshold: 2 })).approvedCount).toBe(2);
  });

  it('cannot tell from a full list below the threshold: older comments may be approved', () => {
    expect(readAuthorHistory(cases('held', 'approved', 'held', 'rejected', 'held'), options({ threshold: 2 })).approvedCount).toBeNull();
  });
});
