import { randomUUID } from 'node:crypto';
import { derivedId } from '@app/contracts';

/**
 * The id of a reader's new comment. With an Idempotency-Key it is derived from (reader, story,
 * key), so a retried post lands on the same id and the database's unique _id makes it one
 * comment; without one, a fresh UUID.
 */
export function commentIdFor(readerId: string, articleId: string, idempotencyKey?: string): string {
  return idempotencyKey ? derivedId(readerId, articleId, idempotencyKey) : randomUUID();
}

/**
 * The id of the event that asks moderation to review a revision (comment.submitted for the
 * first, comment.edited after): derived from (comment, revision), so every announcement of the
 * same revision (the post itself, a retried post's replay, the reconciler's) is one event,
 * delivered more than once, never two events.
 */
export function reviewEventId(commentId: string, revision: number): string {
  return derivedId('review', commentId, String(revision));
}
