import { judgeScores, ScoringPolicy, withScores } from './scoring.rules';
import { ScoreOutcome } from './scorer';

const policy = (fallback: 'hold' | 'skip' = 'hold'): ScoringPolicy => ({
  thresholds: { perspective: { hold: 0.7, reject: 0.9 }, akismet: { hold: 0.5, reject: 0.95 } },
  fallback,
});
const toxic = (score: number): ScoreOutcome => ({ scorer: 'perspective', measures: 'toxicity', score, evidence: `TOXICITY summaryScore ${score}` });
const spam = (score: number): ScoreOutcome => ({ scorer: 'akismet', measures: 'spam', score, evidence: 'comment-check' });
const timedOut: ScoreOutcome = { scorer: 'akismet', measures: 'spam', failed: 'timeout', detail: 'no answer within 300 ms' };
const approved = { rule: 'clean', decision: 'approve', evidence: 'no rule objected' } as const;

describe('judgeScores', () => {
  it.each([
    ['below both thresholds', [toxic(0.69), spam(0)], null, undefined],
    ['at the hold threshold', [toxic(0.7)], 'hold', 'perspective toxicity 0.70 ≥ hold threshold 0.70'],
    ['at the reject threshold', [toxic(0.9)], 'reject', 'perspective toxicity 0.90 ≥ reject threshold 0.90'],
    ['spam held', [toxic(0.1), spam(0.9)], 'hold', 'akismet spam 0.90 ≥ hold threshold 0.50'],
    ['one reject outweighs a hold', [toxic(0.75), spam(1)], 'reject', 'akismet spam 1.00 ≥ reject threshold 0.95'],
  ])('%s', (_name, outcomes, decision, evidence) => {
    const verdict = judgeScores(outcomes as ScoreOutcome[], policy());
    if (decision === null) return expect(verdict).toBeNull();
    expect(verdict).toMatchObject({ rule: 'scores', decision });
    expect(verdict!.evidence).toContain(evidence);
  });

  it('holds for a human when a scorer gave no score and the fallback is hold, naming why', () => {
    expect(judgeScores([toxic(0.1), timedOut], policy('hold'))).toEqual({
      rule: 'scores',
      decision: 'hold',
      evidence: 'akismet gave no spam score (timeout: no answer within 300 ms); held for a human',
    });
  });

  it('skips the scorer when the fallback is skip', () => {
    expect(judgeScores([toxic(0.1), timedOut], policy('skip'))).toBeNull();
    expect(withScores(approved, null, [timedOut]).evidence).toBe('no rule objected; akismet skipped (timeout)');
  });
});

describe('withScores', () => {
  const hold = { rule: 'links', decision: 'hold', evidence: 'contains a link' } as const;
  const reject = { rule: 'banned_words', decision: 'reject', evidence: 'banned word' } as const;
  const scoreHold = { rule: 'scores', decision: 'hold', evidence: 'x' } as const;
  const scoreReject = { rule: 'scores', decision: 'reject', evidence: 'y' } as const;

  it.each([
    ['rules reject first', reject, scoreReject, 'banned_words'],
    ['a score reject outranks a rules hold', hold, scoreReject, 'scores'],
    ['a rules hold stays when the scores hold too', hold, scoreHold, 'links'],
    ['a score hold stops an approval', approved, scoreHold, 'scores'],
    ['no objection: the rules decide', approved, null, 'clean'],
  ])('%s', (_name, rules, scores, rule) => {
    expect(withScores(rules, scores).rule).toBe(rule);
  });
});
