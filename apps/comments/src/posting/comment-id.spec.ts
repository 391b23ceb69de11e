import { isUUID } from 'class-validator';
import { commentIdFor, reviewEventId } from './comment-id';

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

describe('reviewEventId', () => {
  it('is one id per comment and revision', () => {
    expect(reviewEventId('c1', 1)).toBe(reviewEventId('c1', 1));
    expect(reviewEventId('c1', 2)).not.toBe(reviewEventId('c1', 1));
    expect(reviewEventId('c2', 1)).not.toBe(reviewEventId('c1', 1));
    expect(isUUID(reviewEventId('c1', 1))).toBe(true);
  });
});
