import { DomainError } from '@app/contracts';

/** Another reader's data: not found, so a reader cannot learn which ids exist. */
export const notYourData = () =>
  new DomainError('not_found', 'reader_not_found', 'no such reader among yours: a reader downloads or erases only their own data (an admin may act for them)');

export const alreadyErased = (userId: string) =>
  new DomainError('conflict', 'already_erased', `the reader ${userId} is erased already; there is nothing left to erase`);

export const erasureInterrupted = (userId: string) =>
  new DomainError('conflict', 'erasure_interrupted', `a comment of ${userId} changed during the erasure; erase again to finish it`);

export const invalidUserId = () =>
  new DomainError('invalid', 'invalid_user_id', 'a user id is 1 to 200 characters without spaces or control characters', { fields: ['userId: invalid user id'] });
