import { MAX_BODY_DEPTH, nestsDeeperThan } from './body-depth';

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
};

describe('nestsDeeperThan', () => {
  it('accepts scalars and bodies up to the limit', () => {
    expect(nestsDeeperThan('text')).toBe(false);
    expect(nestsDeeperThan(null)).toBe(false);
    expect(nestsDeeperThan({ comments: [{ author: { name: 'x' } }] })).toBe(false);
    expect(nestsDeeperThan(nested(MAX_BODY_DEPTH))).toBe(false);
  });

  it('refuses one level more, and 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(MAX_BODY_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)))).toBe(true);
    expect(nestsDeeperThan({ wide: Array.from({ length: 10_000 }, () => ({ a: [1] })) })).toBe(false);
  });
});
