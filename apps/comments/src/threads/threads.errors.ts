import { DomainError, ThreadAction, ThreadState } from '@app/contracts';
import { Refusal } from './thread.rules';

export const threadNotFound = (articleId: string) =>
  new DomainError('not_found', 'thread_not_found', `no comment thread for story ${articleId}`);

/** A manual transition the thread's state does not allow. */
export const transitionRefused = (articleId: string, action: ThreadAction, state: ThreadState, refusal: Refusal) =>
  new DomainError('conflict', refusal.code, refusal.message, { articleId, action, state });

export const threadHidden = (articleId: string) =>
  new DomainError('conflict', 'thread_hidden', `story ${articleId} is unpublished; its thread is hidden`, { articleId });

/** A concurrent change kept winning the race; the caller (or the event's retry) tries again later. */
export class ThreadChangedMeanwhile extends DomainError {
  constructor(articleId: string) {
    super('conflict', 'concurrent_update', `thread ${articleId} kept changing meanwhile; try again`, { articleId });
  }
}
