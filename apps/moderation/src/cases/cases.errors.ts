import { DomainError } from '@app/contracts';
import { CaseState } from './case.schema';

export const commentNotFound = (id: string) => new DomainError('not_found', 'comment_not_found', `moderation knows no comment ${id}`);

export const alreadyDecided = (state: CaseState) =>
  new DomainError(
    'conflict',
    'already_decided',
    `comment ${state.commentId} was decided already (${state.verdict.decision}${state.verdict.by ? ` by ${state.verdict.by.name}` : ''} at ${state.verdict.at.toISOString()}); reload it`,
    { status: state.status, revision: state.revision, decision: state.verdict.decision, decidedAt: state.verdict.at.toISOString() },
  );

export const revisionChanged = (commentId: string, expected: number, current: number) =>
  new DomainError(
    'conflict',
    'revision_changed',
    `comment ${commentId} is at revision ${current}, not ${expected}: its author changed it meanwhile; reload it`,
    { expected, current },
  );

export const commentDeleted = (commentId: string) =>
  new DomainError('conflict', 'comment_deleted', `comment ${commentId} was deleted by its author`);

export const alreadyReported = (commentId: string) =>
  new DomainError('conflict', 'already_reported', `you have reported comment ${commentId} already`);

export const notReportable = (commentId: string) =>
  new DomainError('conflict', 'comment_not_visible', `comment ${commentId} is not shown to readers, so it cannot be reported`);

export const ownComment = () => new DomainError('forbidden', 'own_comment', 'you cannot report your own comment');

export const busy = (commentId: string) =>
  new DomainError('conflict', 'concurrent_update', `comment ${commentId} changed too often meanwhile; try again`);

export const invalidCursor = () => new DomainError('invalid', 'invalid_cursor', 'cursor is not one this API gave out');


export const decisionChanged = (state: CaseState, seen: number) =>
  new DomainError(
    'conflict',
    'decision_changed',
    `comment ${state.commentId} has had another decision since the one you saw (decision ${state.decisionSeq}, not ${seen}: ${state.verdict.decision}${state.verdict.by ? ` by ${state.verdict.by.name}` : ''}); reload it`,
    { decisionSeq: state.decisionSeq, status: state.status, decision: state.verdict.decision },
  );

export const nothingToOverride = (state: CaseState, decision: string) =>
  new DomainError('conflict', 'nothing_to_override', `comment ${state.commentId} is ${state.status} already: overriding it with ${decision} would change nothing`);
