import { CommentPolicy } from '@app/contracts';

const DAY_MS = 24 * 3600 * 1000;

/** When a story's commenting closes and its thread archives: counted from its publication. */
export function scheduleFor(publishedAt: Date, policy: CommentPolicy): { closesAt: Date; archivesAt: Date } {
  return {
    closesAt: new Date(publishedAt.getTime() + policy.closeAfterDays * DAY_MS),
    archivesAt: new Date(publishedAt.getTime() + policy.archiveAfterDays * DAY_MS),
  };
}
