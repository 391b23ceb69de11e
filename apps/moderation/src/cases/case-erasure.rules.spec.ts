import { ERASED_AUTHOR_NAME } from '@app/contracts';
import { eraseCase, redactHistory, redactState } from './case-erasure.rules';
import { CaseState, HistoryItem } from './case.schema';

const at = new Date('2026-12-03T12:00:00Z');

const held = (overrides: Partial<CaseState> = {}): CaseState => ({
  commentId: 'c-1',
  articleId: 'a-1',
  author: { id: 'reader-1', name: 'Ada' },
  source: 'reader',
  body: 'a link to http://spam.example',
  revision: 1,
  status: 'held',
  firstPostedAt: at,
  postedAt: at,
  verdict: { revision: 1, decision: 'hold', rule: 'links', reason: 'contains a link: http://spam.example', at },
  decisionSeq: 1,
  reports: [],
  reviewedReports: 0,
  ...overrides,
});

describe('eraseCase', () => {
  it('takes a held case out of the queue, without its text, name or quoting evidence, and says so', () => {
    const change = eraseCase(held(), at)!;
    expect(change.state).toMatchObject({ status: 'deleted', body: '', author: { id: 'reader-1', name: ERASED_AUTHOR_NAME }, erased: true });
    expect(JSON.stringify(change)).not.toContain('spam.example');
    expect(change.history.map((item) => item.type)).toEqual(['erased', 'status_changed']);
    expect(change.history[0]).toMatchObject({ why: expect.stringContaining('decisions') });
  });

  it('keeps the decision: which rule or moderator, what, when', () => {
    const state = eraseCase(held({ verdict: { revision: 1, decision: 'reject', rule: 'moderator', reason: 'personal attack', by: { id: 'm-1', name: 'Mod', roles: ['moderator'] }, at } }), at)!.state;
    expect(state.verdict).toMatchObject({ decision: 'reject', rule: 'moderator', reason: 'personal attack', by: { id: 'm-1' } });
    expect(state.decisionSeq).toBe(1);
  });

  it('changes nothing on a case erased already (a redelivery, or both of its events)', () => {
    const once = eraseCase(held(), at)!.state;
    expect(eraseCase(once, at)).toBeNull();
  });

  it('keeps a rule evidence that does not quote the text', () => {
    expect(redactState(held({ verdict: { revision: 1, decision: 'hold', rule: 'story_premoderation', reason: 'the story is pre-moderated', at } })).verdict.reason).toBe(
      'the story is pre-moderated',
    );
  });
});

describe('redactHistory', () => {
  it('removes the text and name from submissions and evidence quoting the text, and keeps the decisions', () => {
    const history: HistoryItem[] = [
      { type: 'submitted', at, revision: 1, author: { id: 'reader-1', name: 'Ada' }, body: 'you idiot' },
      { type: 'rule_verdict', at, revision: 1, rule: 'banned_words', decision: 'reject', evidence: 'banned word "idiot" (written "idiot"; insult)' },
      { type: 'moderator_decision', at, revision: 1, decision: 'reject', reason: 'insult', by: { id: 'm-1', name: 'Mod' } },
    ];
    const redacted = redactHistory(history);
    expect(JSON.stringify(redacted)).not.toMatch(/idiot|Ada/);
    expect(redacted[0]).toMatchObject({ body: '', author: { id: 'reader-1', name: ERASED_AUTHOR_NAME } });
    expect(redacted[1]).toMatchObject({ rule: 'banned_words', decision: 'reject' });
    expect(redacted[2]).toEqual(history[2]);
  });
});
