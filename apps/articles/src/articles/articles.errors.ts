import { DomainError } from '@app/contracts';

export const articleNotFound = (id: string) => new DomainError('not_found', 'article_not_found', `no story with id ${id}`);

export const slugTaken = (slug: string) =>
  new DomainError('conflict', 'slug_taken', `another story already uses the slug "${slug}"`, { slug });

export const emptyUpdate = () => new DomainError('invalid', 'empty_update', 'the update changes no field');

export const concurrentUpdate = (id: string) =>
  new DomainError('conflict', 'concurrent_update', `story ${id} was changed by someone else meanwhile; reload and try again`);

export const archiveBeforeClose = (closeAfterDays: number, archiveAfterDays: number) =>
  new DomainError(
    'invalid',
    'invalid_comment_policy',
    `commentPolicy.archiveAfterDays (${archiveAfterDays}) must not be less than commentPolicy.closeAfterDays (${closeAfterDays}): a thread is archived after it closes`,
    { fields: ['commentPolicy.archiveAfterDays: must be at least commentPolicy.closeAfterDays'] },
  );
