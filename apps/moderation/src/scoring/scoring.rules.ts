import { RuleVerdict } from '../rules/moderation.rules';
import { ScoreOutcome } from './scorer';

/** A scorer's thresholds: hold at score ≥ hold, reject at score ≥ reject. */
export interface Thresholds {
  hold: number;
  reject: number;
}

export interface ScoringPolicy {
  thresholds: Record<string, Thresholds>;
  /** What a scorer that gave no score means: hold the comment for a human, or skip the rule. */
  fallback: 'hold' | 'skip';
}

const fmt = (n: number) => n.toFixed(2);

/**
 * The scores' verdict (pure): reject when a score reaches its scorer's reject threshold, hold
 * when one reaches its hold threshold or (fallback "hold") a scorer gave none; null when no
 * scorer objects. The evidence names the scorer, the score and the threshold.
 */
export function judgeScores(outcomes: ScoreOutcome[], policy: ScoringPolicy): RuleVerdict | null {
  const rejects: string[] = [];
  const holds: string[] = [];
  for (const outcome of outcomes) {
    const limits = policy.thresholds[outcome.scorer];
    if ('failed' in outcome) {
      if (policy.fallback === 'hold') holds.push(`${outcome.scorer} gave no ${outcome.measures} score (${outcome.failed}: ${outcome.detail}); held for a human`);
      continue;
    }
    if (!limits) continue;
    const line = `${outcome.scorer} ${outcome.measures} ${fmt(outcome.score)}`;
    if (outcome.score >= limits.reject) rejects.push(`${line} ≥ reject threshold ${fmt(limits.reject)} (${outcome.evidence})`);
    else if (outcome.score >= limits.hold) holds.push(`${line} ≥ hold threshold ${fmt(limits.hold)} (${outcome.evidence})`);
  }
  if (rejects.length) return { rule: 'scores', decision: 'reject', evidence: rejects.join('; ') };
  if (holds.length) return { rule: 'scores', decision: 'hold', evidence: holds.join('; ') };
  return null;
}

/** Notes that a skipped scorer gave no score, for the evidence of an approval (fallback "skip"). */
export function skippedScorers(outcomes: ScoreOutcome[]): string[] {
  return outcomes.filter((o) => 'failed' in o).map((o) => `${o.scorer} skipped (${'failed' in o ? o.failed : ''})`);
}

/**
 * The rules' verdict and the scores' together: a reject from either rejects (the rules first);
 * else a hold from either holds; else approve. An approval notes skipped scorers.
 */
export function withScores(rules: RuleVerdict, scores: RuleVerdict | null, outcomes: ScoreOutcome[] = []): RuleVerdict {
  if (rules.decision === 'reject' || !scores) {
    const skipped = rules.decision === 'approve' ? skippedScorers(outcomes) : [];
    return skipped.length ? { ...rules, evidence: `${rules.evidence}; ${skipped.join('; ')}` } : rules;
  }
  if (scores.decision === 'reject' || rules.decision === 'approve') return scores;
  return rules;
}
