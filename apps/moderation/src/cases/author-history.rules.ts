import { CaseStatus } from './case.schema';

/** The repeat rule compares a comment with at most this many of its author's latest bodies. */
export const RECENT_BODIES_LIMIT = 50;

/** One of the author's other cases, as the history query returns it (newest first). */
export interface PastCase {
  status: CaseStatus;
  postedAt: Date;
  body: string;
}

export interface AuthorHistory {
  /** Bodies posted since the window opened, newest first. */
  recentBodies: string[];
  /**
   * Approved comments (reported ones are still approved): exact when the list is the whole
   * history, else a lower bound that already reaches the threshold (the new-commenter rule only
   * asks whether it does). null when the list cannot tell: count them all.
   */
  approvedCount: number | null;
}

/**
 * Reads the author's latest cases (newest first, at most `limit`, the comment under review
 * excluded) for both rules that look at the author's past, so one query serves both.
 */
export function readAuthorHistory(latest: PastCase[], options: { limit: number; since: Date; threshold: number }): AuthorHistory {
  const recentBodies = latest.filter((c) => c.postedAt.getTime() >= options.since.getTime()).map((c) => c.body);
  const approved = latest.filter((c) => c.status === 'approved' || c.status === 'reported').length;
  const whole = latest.length < options.limit;
  return { recentBodies, approvedCount: whole || approved >= options.threshold ? approved : null };
}
