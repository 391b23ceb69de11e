import { ERASED_AUTHOR_NAME, ErasureMode } from '@app/contracts';
import { CommentDocument } from '../comments/comment.schema';
import { CommentRecord } from '../comments/comments.repository';

export const ERASED_REASON = 'erased at its author’s request';

/** What erasing one comment writes, and which event announces it on its story (none: nothing readers see changes). */
export interface CommentErasure {
  set: Partial<CommentDocument>;
  event: 'comment.deleted' | 'comment.approved' | null;
  /** Whether the thread's approved count moves (it must be recounted). */
  countMoved: boolean;
}

/**
 * Pure: what an erasure does to one of the reader's comments. The login id goes from every
 * comment (the author becomes ERASED_AUTHOR_NAME), so nothing links it to the reader any more;
 * `remove` empties every comment's text and takes it out of its thread (a placeholder when others
 * replied); `anonymise` keeps an approved comment's text and removes the rest like `remove`.
 */
export function planErasure(comment: Pick<CommentRecord, 'status' | 'author'>, mode: ErasureMode, hasReplies: boolean): CommentErasure {
  const author = { name: ERASED_AUTHOR_NAME };
  if (mode === 'anonymise' && comment.status === 'approved') {
    return { set: { author }, event: 'comment.approved', countMoved: false };
  }
  if (comment.status === 'deleted') {
    // Deleted before (its text is gone already): only the name and the id remain to drop.
    return { set: { author, body: '' }, event: null, countMoved: false };
  }
  return {
    set: { author, body: '', status: 'deleted', placeholder: hasReplies, statusReason: ERASED_REASON },
    event: 'comment.deleted',
    countMoved: comment.status === 'approved',
  };
}

/**
 * The order comments are erased in: newest first, so a reader's reply to their own comment goes
 * before its parent, and the parent is left as a placeholder only for other readers' replies.
 */
export const erasureOrder = <T extends { postedAt: Date }>(comments: T[]): T[] =>
  [...comments].sort((a, b) => b.postedAt.getTime() - a.postedAt.getTime());
