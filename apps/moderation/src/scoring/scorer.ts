/** What a scorer is given: the comment, its author and its story (issue 15). */
export interface ScoringInput {
  commentId: string;
  body: string;
  author: { id?: string; name: string };
  story: { id: string; title?: string; slug?: string };
  at: Date;
}

/** A scorer's answer: a probability-like score in [0, 1] and what it is based on. */
export interface Score {
  score: number;
  evidence: string;
}

/**
 * A service that scores comments (Perspective's toxicity, Akismet's spam, our own filter).
 * score() is given a signal that aborts at the deadline; it throws when it cannot answer.
 */
export interface Scorer {
  /** Low-cardinality name, used in settings, evidence and metrics: "perspective", "akismet", "filter". */
  readonly name: string;
  /** What the score measures, for the evidence: "toxicity", "spam". */
  readonly measures: string;
  score(input: ScoringInput, signal: AbortSignal): Promise<Score>;
}

/** Why a scorer gave no score: its deadline passed, it failed, it refused (429), or its breaker is open. */
export type ScorerFailure = 'timeout' | 'error' | 'rate_limited' | 'breaker_open';

/** One scorer's outcome for one comment. */
export type ScoreOutcome =
  | { scorer: string; measures: string; score: number; evidence: string }
  | { scorer: string; measures: string; failed: ScorerFailure; detail: string };

/** Thrown by a client when the service answered 429, so the outcome says so. */
export class RateLimited extends Error {
  constructor(readonly scorer: string, retryAfter?: string | null) {
    super(`${scorer} answered 429 (rate limited${retryAfter ? `, retry after ${retryAfter}` : ''})`);
  }
}
