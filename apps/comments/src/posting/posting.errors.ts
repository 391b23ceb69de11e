import { DomainError } from '@app/contracts';

export const commentNotFound = (id: string) => new DomainError('not_found', 'comment_not_found', `no comment with id ${id}`);

export const parentNotFound = (id: string) =>
  new DomainError('not_found', 'parent_not_found', `the comment ${id} to reply to is not in this thread`);

export const replyTooDeep = (max: number) =>
  new DomainError('invalid', 'reply_too_deep', `replies nest at most ${max} levels deep; reply higher up the conversation`);

export const notTheAuthor = () => new DomainError('forbidden', 'not_the_author', 'only its author may change this comment');

export const editWindowClosed = (minutes: number) =>
  new DomainError('conflict', 'edit_window_closed', `a comment can be edited for ${minutes} minutes after posting`);

export const idempotencyKeyReused = () =>
  new DomainError('conflict', 'idempotency_key_reused', 'this Idempotency-Key was used for a different comment');

export const commentChangedMeanwhile = (id: string) =>
  new DomainError('conflict', 'comment_changed', `comment ${id} changed meanwhile; reload and try again`);
