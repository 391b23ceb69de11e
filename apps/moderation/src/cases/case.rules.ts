import { Actor, CommentImportedPayload, CommentSubmittedPayload, CommentStatusChangedPayload, ModerationDecision } from '@app/contracts';
import { RuleVerdict } from '../rules/moderation.rules';
import { CaseState, CaseStatus, HistoryItem } from './case.schema';
import { alreadyDecided, alreadyReported, commentDeleted, decisionChanged, notReportable, nothingToOverride, ownComment, revisionChanged } from './cases.errors';

/**
 * The pure decisions about a case: given its current state (from the journal) and what happened,
 * its next state and the audit lines that explain it. No I/O: the service loads, calls one of
 * these, and commits the result with its events.
 */
export interface CaseChange {
  state: CaseState;
  history: HistoryItem[];
}

const STATUS_OF: Record<ModerationDecision, CaseStatus> = { approve: 'approved', hold: 'held', reject: 'rejected' };

const who = (actor: { id: string; name: string }) => ({ id: actor.id, name: actor.name });

/**
 * A revision reviewed by the rules (comment.submitted, comment.edited). Null when the case has
 * this revision or a newer one already (a redelivered or stale event), or was deleted.
 */
export function reviewRevision(current: CaseState | null, submission: CommentSubmittedPayload, verdict: RuleVerdict, now: Date): CaseChange | null {
  if (current && (current.revision >= submission.revision || current.status === 'deleted')) return null;
  const author = submission.author.id ? { id: submission.author.id, name: submission.author.name } : { name: submission.author.name };
  const state: CaseState = {
    commentId: submission.commentId,
    articleId: submission.articleId,
    ...(submission.parentId ? { parentId: submission.parentId } : {}),
    author,
    source: 'reader',
    body: submission.body,
    revision: submission.revision,
    status: STATUS_OF[verdict.decision],
    firstPostedAt: current?.firstPostedAt ?? submission.at,
    postedAt: submission.at,
    verdict: { revision: submission.revision, decision: verdict.decision, rule: verdict.rule, reason: verdict.evidence, at: now },
    decisionSeq: (current?.decisionSeq ?? 0) + 1,
    reports: current?.reports ?? [],
    reviewedReports: current?.reviewedReports ?? 0,
  };
  return {
    state,
    history: [
      { type: current ? 'edited' : 'submitted', at: submission.at, revision: submission.revision, author, body: submission.body },
      { type: 'rule_verdict', at: now, revision: submission.revision, rule: verdict.rule, decision: verdict.decision, evidence: verdict.evidence },
    ],
  };
}

/** A comment moved in from another system (comment.imported): known, as it was stored there. Null if known already. */
export function importComment(current: CaseState | null, imported: CommentImportedPayload, now: Date): CaseChange | null {
  if (current) return null;
  const status: CaseStatus = imported.status === 'pending' ? 'held' : imported.status;
  const decision: ModerationDecision = imported.status === 'approved' ? 'approve' : imported.status === 'rejected' ? 'reject' : 'hold';
  const author = imported.author.id ? { id: imported.author.id, name: imported.author.name } : { name: imported.author.name };
  const state: CaseState = {
    commentId: imported.commentId,
    articleId: imported.articleId,
    author,
    source: imported.source,
    body: imported.body,
    revision: 1,
    status,
    firstPostedAt: imported.postedAt,
    postedAt: imported.postedAt,
    verdict: { revision: 1, decision, rule: 'import', reason: `imported (${imported.externalId}) as ${imported.status}`, at: now },
    decisionSeq: 1,
    reports: [],
    reviewedReports: 0,
  };
  return { state, history: [{ type: 'imported', at: imported.postedAt, revision: 1, author, body: imported.body }] };
}

/**
 * Whether a moderator may decide the case now: it waits for a human (held, reported), or only the
 * rules have decided its current revision. Once a moderator decided, another decision needs a new
 * reason to look (an edit, or enough new reports): the second of two racing moderators loses.
 */
export const awaitsModerator = (state: CaseState): boolean =>
  state.status === 'held' || state.status === 'reported' || (state.status !== 'deleted' && !state.verdict.by);

/** A moderator's decision. `revision`, when given, is the revision the moderator saw. */
export function decideByModerator(
  current: CaseState,
  input: { decision: 'approve' | 'reject'; reason: string; revision?: number },
  moderator: Actor,
  now: Date,
): CaseChange {
  if (current.status === 'deleted') throw commentDeleted(current.commentId);
  if (input.revision !== undefined && input.revision !== current.revision) throw revisionChanged(current.commentId, input.revision, current.revision);
  if (!awaitsModerator(current)) throw alreadyDecided(current);
  const status = STATUS_OF[input.decision];
  const state: CaseState = {
    ...current,
    status,
    verdict: { revision: current.revision, decision: input.decision, rule: 'moderator', reason: input.reason, by: moderator, at: now },
    decisionSeq: current.decisionSeq + 1,
    reviewedReports: current.reports.length,
  };
  return {
    state,
    history: [{ type: 'moderator_decision', at: now, revision: current.revision, decision: input.decision, reason: input.reason, by: who(moderator) }],
  };
}

/**
 * A moderator reverses the case's latest decision (a rule's or a colleague's), with a reason.
 * `decisionSeq` is the decision the moderator saw: a decision since (a colleague, an edit's
 * verdict) is 409 decision_changed, so of two racing overrides one commits and the other,
 * re-reading, is refused. The reversed decision stays in the history beside the new one.
 */
export function overrideDecision(
  current: CaseState,
  input: { decision: 'approve' | 'reject'; reason: string; decisionSeq: number },
  moderator: Actor,
  now: Date,
): CaseChange {
  if (current.status === 'deleted') throw commentDeleted(current.commentId);
  if (input.decisionSeq !== current.decisionSeq) throw decisionChanged(current, input.decisionSeq);
  const status = STATUS_OF[input.decision];
  // Reported is approved and visible: approving it again answers the reports, it reverses nothing.
  if (status === current.status) throw nothingToOverride(current, input.decision);
  const previous = current.verdict;
  const state: CaseState = {
    ...current,
    status,
    verdict: { revision: current.revision, decision: input.decision, rule: 'moderator', reason: input.reason, by: moderator, at: now, overrides: current.decisionSeq },
    decisionSeq: current.decisionSeq + 1,
    reviewedReports: current.reports.length,
  };
  return {
    state,
    history: [
      {
        type: 'moderator_override',
        at: now,
        revision: current.revision,
        decision: input.decision,
        reason: input.reason,
        by: who(moderator),
        overridden: {
          decisionSeq: current.decisionSeq,
          decision: previous.decision,
          rule: previous.rule,
          reason: previous.reason,
          ...(previous.by ? { by: who(previous.by) } : {}),
          at: previous.at,
        },
      },
      { type: 'status_changed', at: now, from: current.status, to: status, why: `overridden by ${moderator.name}: ${input.reason}` },
    ],
  };
}

/**
 * A reader's report. Only what readers are shown can be reported (approved, or already
 * reported). When the reports since the last moderator decision reach `threshold`, an approved
 * comment enters the reported queue: it stays visible until a moderator rejects it.
 */
export function report(current: CaseState, reporter: Actor, reason: string, threshold: number, now: Date): CaseChange {
  if (current.status === 'deleted') throw commentDeleted(current.commentId);
  if (current.status !== 'approved' && current.status !== 'reported') throw notReportable(current.commentId);
  if (current.author.id === reporter.id) throw ownComment();
  if (current.reports.some((r) => r.by.id === reporter.id)) throw alreadyReported(current.commentId);
  const reports = [...current.reports, { by: who(reporter), reason, at: now }];
  const pending = reports.length - current.reviewedReports;
  const entersQueue = current.status === 'approved' && pending >= threshold;
  const history: HistoryItem[] = [{ type: 'reported', at: now, by: who(reporter), reason, reports: reports.length }];
  if (entersQueue) {
    history.push({ type: 'status_changed', at: now, from: 'approved', to: 'reported', why: `${pending} reports since the last review (threshold ${threshold}); it stays visible until a moderator decides` });
  }
  return { state: { ...current, reports, status: entersQueue ? 'reported' : current.status }, history };
}

/** Its author deleted the comment (comment.deleted): out of every queue. Null if known as deleted already. */
export function deleteComment(current: CaseState, deleted: CommentStatusChangedPayload, now: Date): CaseChange | null {
  if (current.status === 'deleted') return null;
  return {
    state: { ...current, status: 'deleted' },
    history: [
      { type: 'deleted', at: deleted.at ?? now, revision: deleted.revision, reason: deleted.reason },
      { type: 'status_changed', at: now, from: current.status, to: 'deleted', why: 'deleted by its author' },
    ],
  };
}
