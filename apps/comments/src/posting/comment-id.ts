import { createHash, randomUUID } from 'node:crypto';

/**
 * The id of a reader's new comment. With an Idempotency-Key it is derived from (reader, story,
 * key), so a retried post lands on the same id and the database's unique _id makes it one
 * comment; without one, a fresh UUID.
 */
export function commentIdFor(readerId: string, articleId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomUUID();
  const hex = createHash('sha256').update(`${readerId}\u0000${articleId}\u0000${idempotencyKey}`).digest('hex');
  // Shaped as a version-4 UUID (version and variant bits set over the hash): every id in the API is
  // checked as v4 at the gateway, and a v5 shape made a widget post's comment undecidable there.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
