import { ThreadState } from '@app/contracts';
import { CommentRecord } from './comments.repository';

/** One comment as readers see it. */
export interface CommentView {
  id: string;
  /** The comment this one replies to; null at the top level. */
  parentId: string | null;
  /** Null for a deleted comment kept as a placeholder because others replied to it. */
  author: { name: string } | null;
  body: string | null;
  postedAt: string;
  deleted?: true;
}

/** GET /api/v1/articles/:id/comments: the thread's state and count, and a page of its comments. */
export interface ThreadCommentsView {
  articleId: string;
  state: ThreadState;
  closesAt: string;
  archivesAt: string;
  /** Approved comments in the whole thread (not only this page); 0 when none. */
  commentCount: number;
  comments: CommentView[];
  nextCursor: string | null;
}

export const toCommentView = (comment: CommentRecord): CommentView =>
  comment.status === 'deleted'
    ? { id: comment._id, parentId: comment.parentId ?? null, author: null, body: null, postedAt: comment.postedAt.toISOString(), deleted: true }
    : { id: comment._id, parentId: comment.parentId ?? null, author: { name: comment.author.name }, body: comment.body, postedAt: comment.postedAt.toISOString() };

/** What POST …/comments/import answers. */
export interface ImportResultView {
  articleId: string;
  /** Comments stored by this call. */
  imported: number;
  /** Comments of the batch the thread held already (same externalId): left as they were. */
  skipped: number;
  commentCount: number;
  /** Set on a dry run: `imported` is what the call would have stored; nothing was. */
  dryRun?: true;
}
