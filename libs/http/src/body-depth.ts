/** Deepest nesting of objects and arrays a request body may have; real inputs need 4. */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether a parsed JSON value nests deeper than `limit`. Iterative on purpose: recursive walkers
 * (Nest's ValidationPipe, class-transformer) overflow the stack on 10^5-deep bodies, which must
 * be refused with a 400 before they reach them.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_BODY_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
