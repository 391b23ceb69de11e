import { DomainError } from '@app/contracts';

export const threadNotFound = (articleId: string) =>
  new DomainError('not_found', 'thread_not_found', `no comment thread for story ${articleId}`);

/** A concurrent change won the race; the event handler retries from fresh state. */
export class ThreadChangedMeanwhile extends Error {
  constructor(articleId: string) {
    super(`thread ${articleId} changed meanwhile`);
  }
}
