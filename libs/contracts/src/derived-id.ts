import { createHash } from 'node:crypto';

/**
 * A UUID derived from names (SHA-256 over them), the same for the same names: an id that a retry
 * or a re-send reproduces instead of minting a new one. Shaped as a version-4 UUID (version and
 * variant bits set over the hash) because every id in the API is checked as v4 at the gateway.
 */
export function derivedId(...names: string[]): string {
  const hex = createHash('sha256').update(names.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
