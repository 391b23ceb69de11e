import { ErasedReaders, refusesToken } from './erased-readers';

describe('refusesToken', () => {
  const erasedAt = Date.parse('2026-12-03T12:00:00.600Z');

  it('refuses tokens issued before the erasure, within its second, or without iat', () => {
    expect(refusesToken(erasedAt, erasedAt / 1000 - 3600)).toBe(true);
    expect(refusesToken(erasedAt, Math.floor(erasedAt / 1000))).toBe(true);
    expect(refusesToken(erasedAt, undefined)).toBe(true);
  });

  it('accepts a token the login issued after the erasure', () => {
    expect(refusesToken(erasedAt, Math.floor(erasedAt / 1000) + 1)).toBe(false);
  });
});

describe('ErasedReaders', () => {
  let now = 1_000_000_000;
  const store = (maxEntries = 10) => new ErasedReaders({ retainMs: 60_000, maxEntries, now: () => now });

  beforeEach(() => (now = 1_000_000_000));

  it('refuses an erased reader and no one else', () => {
    const readers = store();
    readers.add('reader-1', now);
    expect(readers.refuses('reader-1', Math.floor(now / 1000) - 10)).toBe(true);
    expect(readers.refuses('reader-2', Math.floor(now / 1000) - 10)).toBe(false);
  });

  it('forgets an erasure once every token issued before it has expired (the retention window)', () => {
    const readers = store();
    readers.add('reader-1', now);
    now += 60_001;
    expect(readers.refuses('reader-1', undefined)).toBe(false);
    expect(readers.size()).toBe(0);
  });

  it('ignores an erasure already older than the window (a rebuild row, a late event)', () => {
    const readers = store();
    expect(readers.add('reader-1', now - 70_000)).toBe(0);
    expect(readers.size()).toBe(0);
  });

  it('is idempotent: the same erasure heard twice (event and rebuild) is one entry', () => {
    const readers = store();
    readers.add('reader-1', now);
    readers.add('reader-1', now);
    expect(readers.size()).toBe(1);
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const readers = store(2);
    readers.add('a', now - 3);
    readers.add('b', now - 2);
    expect(readers.add('c', now - 1)).toBe(1);
    expect(readers.refuses('a', undefined)).toBe(false);
    expect(readers.refuses('c', undefined)).toBe(true);
  });

  it('prunes expired erasures as new ones arrive', () => {
    const readers = store();
    readers.add('old', now);
    now += 61_000;
    readers.add('new', now);
    expect(readers.size()).toBe(1);
  });
});
