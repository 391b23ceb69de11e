import { DomainError } from '@app/contracts';

export const sanctionNotFound = (userId: string, sanctionId: string) =>
  new DomainError('not_found', 'sanction_not_found', `user ${userId} has no sanction ${sanctionId}`);

export const sanctionAlreadyLifted = (sanctionId: string) =>
  new DomainError('conflict', 'sanction_already_lifted', `sanction ${sanctionId} was lifted already`);

export const suspensionWithoutEnd = () =>
  new DomainError('invalid', 'until_required', 'a suspension needs an end: until, an ISO-8601 date-time in the future', {
    fields: ['until: required for kind suspend'],
  });

export const banWithEnd = () =>
  new DomainError('invalid', 'until_not_allowed', 'a ban lasts until it is lifted; for a ban with an end, use kind suspend', {
    fields: ['until: not allowed for kind ban'],
  });

export const warningWithEnd = () =>
  new DomainError('invalid', 'until_not_allowed', 'a warning lasts until its reader acknowledges it', { fields: ['until: not allowed for kind warn'] });

export const warningNotFound = (sanctionId: string) =>
  new DomainError('not_found', 'warning_not_found', `you have no warning ${sanctionId}`);

export const untilInPast = (until: Date) =>
  new DomainError('invalid', 'until_in_past', `until (${until.toISOString()}) must be in the future`, { fields: ['until: must be in the future'] });
