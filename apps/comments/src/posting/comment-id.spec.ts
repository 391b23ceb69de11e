import { isUUID } from 'class-validator';
import { commentIdFor } from './comment-id';

describe('commentIdFor', () => {
  it('derives the same v4-shaped id for the same reader, story and key, so the gateway accepts it', () => {
    const id = commentIdFor('reader-1', 'b3c1c0de-0000-4000-8000-000000000001', 'key-1');
    expect(isUUID(id, '4')).toBe(true);
    expect(commentIdFor('reader-1', 'b3c1c0de-0000-4000-8000-000000000001', 'key-1')).toBe(id);
    expect(commentIdFor('reader-2', 'b3c1c0de-0000-4000-8000-000000000001', 'key-1')).not.toBe(id);
  });

  it('is a fresh v4 UUID without a key', () => {
    const a = commentIdFor('reader-1', 'story', undefined);
    expect(isUUID(a, '4')).toBe(true);
    expect(commentIdFor('reader-1', 'story', undefined)).not.toBe(a);
  });
});
