import { exampleOf } from './filter.examples';

const verdict = (rule: string, decision: 'approve' | 'hold' | 'reject') => ({ revision: 1, rule, decision, reason: 'r', at: new Date() });

describe('exampleOf', () => {
  it.each([
    ['a moderator approval', 'moderator', 'approve', 'approve'],
    ['a moderator reject', 'moderator', 'reject', 'reject'],
    ['a rules reject', 'banned_words', 'reject', 'reject'],
    ['a rules approval', 'clean', 'approve', null],
    ['a rules hold', 'links', 'hold', null],
    ['an import', 'import', 'approve', null],
    ["the scorers' own reject", 'scores', 'reject', null],
  ] as const)('%s', (_name, rule, decision, label) => {
    const example = exampleOf({ body: 'some text', verdict: verdict(rule, decision) });
    expect(example?.label ?? null).toBe(label);
  });
});
