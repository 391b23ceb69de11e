import { randomUUID } from 'node:crypto';
import { Actor, CommentSubmittedPayload, DomainError } from '@app/contracts';
import { awaitsModerator, decideByModerator, deleteComment, importComment, overrideDecision, report, reviewRevision } from './case.rules';
import { CaseState } from './case.schema';

const mona: Actor = { id: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] };
const reader = (n: number): Actor => ({ id: `reader-${n}`, name: `Reader ${n}`, roles: ['reader'] });
const now = new Date('2026-01-02T10:00:00Z');

const submission = (overrides: Partial<CommentSubmittedPayload> = {}): CommentSubmittedPayload => ({
  commentId: randomUUID(),
  articleId: randomUUID(),
  author: { id: 'ann', name: 'Ann Reader' },
  body: 'When will Malloy bring in the National Guard?',
  revision: 1,
  at: new Date('2026-01-02T09:59:00Z'),
  ...overrides,
});

const approved = () => reviewRevision(null, submission(), { rule: 'clean', decision: 'approve', evidence: 'no rule objected' }, now)!.state;
const held = () => reviewRevision(null, submission(), { rule: 'links', decision: 'hold', evidence: 'contains a link' }, now)!.state;

const codeOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'no error';
};

describe('case rules', () => {
  it("overrides the latest decision (a rule's, then a colleague's), keeping what it reversed; refuses a stale seq, a no-op and a deleted case", () => {
    const tom: Actor = { id: 'mod-2', name: 'Tom Moderator', roles: ['moderator'] };
    const start = approved();
    const first = overrideDecision(start, { decision: 'reject', reason: 'doxxing', decisionSeq: start.decisionSeq }, mona, now);
    expect(first.state).toMatchObject({ status: 'rejected', decisionSeq: start.decisionSeq + 1, verdict: { rule: 'moderator', decision: 'reject', by: mona, overrides: start.decisionSeq } });
    expect(first.history[0]).toMatchObject({ type: 'moderator_override', decision: 'reject', overridden: { decisionSeq: 1, decision: 'approve', rule: 'clean' } });
    expect(first.history[1]).toMatchObject({ type: 'status_changed', from: 'approved', to: 'rejected' });
    const second = overrideDecision(first.state, { decision: 'approve', reason: 'not doxxing', decisionSeq: first.state.decisionSeq }, tom, now);
    expect(second.state).toMatchObject({ status: 'approved', decisionSeq: 3, verdict: { by: tom, overrides: 2 } });
    expect(second.history[0]).toMatchObject({ overridden: { decision: 'reject', by: { id: 'mod-1', name: 'Mona Moderator' } } });
    // The second of two racing overrides re-plans against the first's entry: refused.
    expect(codeOf(() => overrideDecision(first.state, { decision: 'approve', reason: 'late', decisionSeq: start.decisionSeq }, tom, now))).toBe('decision_changed');
    expect(codeOf(() => overrideDecision(first.state, { decision: 'reject', reason: 'same', decisionSeq: first.state.decisionSeq }, tom, now))).toBe('nothing_to_override');
    const gone = { ...start, status: 'deleted' as const };
    expect(codeOf(() => overrideDecision(gone, { decision: 'reject', reason: 'x', decisionSeq: gone.decisionSeq }, mona, now))).toBe('comment_deleted');
  });

  it('records a reviewed revision with its verdict, and ignores the same or an older revision', () => {
    const input = submission();
    const change = reviewRevision(null, input, { rule: 'suspect_words', decision: 'hold', evidence: 'suspect word "moron"' }, now)!;
    expect(change.state).toMatchObject({ status: 'held', revision: 1, decisionSeq: 1, verdict: { rule: 'suspect_words', decision: 'hold', reason: 'suspect word "moron"' } });
    expect(change.history.map((h) => h.type)).toEqual(['submitted', 'rule_verdict']);
    expect(reviewRevision(change.state, input, { rule: 'clean', decision: 'approve', evidence: 'x' }, now)).toBeNull();

    const edit = reviewRevision(change.state, { ...input, revision: 2, body: 'better words' }, { rule: 'clean', decision: 'approve', evidence: 'no rule objected' }, now)!;
    expect(edit.state).toMatchObject({ status: 'approved', revision: 2, body: 'better words', decisionSeq: 2, firstPostedAt: input.at });
    expect(edit.history[0]).toMatchObject({ type: 'edited', revision: 2, body: 'better words' });
  });

  it('knows imported comments as they were stored, once', () => {
    const imported = { commentId: randomUUID(), articleId: randomUUID(), externalId: 'x1', author: { name: 'Old Timer' }, body: 'From 2015', postedAt: new Date('2015-07-21T12:08:00Z'), status: 'approved' as const, source: 'import' as const };
    const change = importComment(null, imported, now)!;
    expect(change.state).toMatchObject({ status: 'approved', source: 'import', verdict: { rule: 'import', decision: 'approve' } });
    expect(importComment(change.state, imported, now)).toBeNull();
  });

  it('lets a moderator decide a held comment once; a second decision is already_decided', () => {
    const first = decideByModerator(held(), { decision: 'approve', reason: 'fair point' }, mona, now);
    expect(first.state).toMatchObject({ status: 'approved', decisionSeq: 2, verdict: { rule: 'moderator', decision: 'approve', reason: 'fair point', by: mona } });
    expect(first.history).toEqual([expect.objectContaining({ type: 'moderator_decision', by: { id: 'mod-1', name: 'Mona Moderator' } })]);
    expect(awaitsModerator(first.state)).toBe(false);
    expect(codeOf(() => decideByModerator(first.state, { decision: 'reject', reason: 'no' }, mona, now))).toBe('already_decided');
  });

  it('lets a moderator overrule the rules, refuses a stale revision and a deleted comment', () => {
    expect(decideByModerator(approved(), { decision: 'reject', reason: 'personal attack' }, mona, now).state.status).toBe('rejected');
    expect(codeOf(() => decideByModerator(held(), { decision: 'approve', reason: 'ok', revision: 2 }, mona, now))).toBe('revision_changed');
    const gone = deleteComment(held(), { commentId: 'c', articleId: 'a', status: 'deleted', revision: 1, reason: 'deleted by its author', commentCount: 0, at: now }, now)!;
    expect(gone.state.status).toBe('deleted');
    expect(codeOf(() => decideByModerator(gone.state, { decision: 'approve', reason: 'ok' }, mona, now))).toBe('comment_deleted');
  });

  it('sends an approved comment to the reported queue at the threshold; it stays approved until then', () => {
    let state: CaseState = approved();
    for (const n of [1, 2]) state = report(state, reader(n), 'insulting', 3, now).state;
    expect(state.status).toBe('approved');
    const third = report(state, reader(3), 'insulting', 3, now);
    expect(third.state.status).toBe('reported');
    expect(third.history.map((h) => h.type)).toEqual(['reported', 'status_changed']);
    expect(codeOf(() => report(third.state, reader(1), 'again', 3, now))).toBe('already_reported');

    // A moderator keeps it: the answered reports no longer count, new ones start over.
    const kept = decideByModerator(third.state, { decision: 'approve', reason: 'robust, not abusive' }, mona, now).state;
    expect(kept).toMatchObject({ status: 'approved', reviewedReports: 3 });
    expect(report(kept, reader(4), 'still rude', 3, now).state.status).toBe('approved');
  });

  it('refuses reports of what readers do not see, and of one\'s own comment', () => {
    expect(codeOf(() => report(held(), reader(1), 'spam', 3, now))).toBe('comment_not_visible');
    expect(codeOf(() => report(approved(), { id: 'ann', name: 'Ann', roles: ['reader'] }, 'mine', 3, now))).toBe('own_comment');
  });
});
