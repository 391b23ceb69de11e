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
