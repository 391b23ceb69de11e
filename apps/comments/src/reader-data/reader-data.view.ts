import { CommentSource, CommentStatus } from '@app/contracts';
import { CommentRecord } from '../comments/comments.repository';

/** One of the reader's comments in their download: every status, with its story and times. */
export interface DownloadedComment {
  id: string;
  story: { id: string; title: string | null; slug: string | null };
  parentId: string | null;
  status: CommentStatus;
  /** Why it has its status (a rule's or a moderator's words); absent when approved as posted. */
  reason: string | null;
  /** Empty for a comment deleted before the download (its text was removed then). */
  body: string;
  source: CommentSource;
  revision: number;
  postedAt: string;
  editedAt: string | null;
  decidedAt: string | null;
}

/** GET /api/v1/me/data: everything the comments service holds that is the reader's. */
export interface ReaderDataView {
  format: 'reader-data/v1';
  userId: string;
  exportedAt: string;
  /** When the reader was erased (their comments are then no longer theirs: the list is empty); null if never. */
  erasedAt: string | null;
  /** The names the reader's comments were shown under. */
  names: string[];
  comments: DownloadedComment[];
}

/** DELETE /api/v1/me: what the erasure changed. */
export interface ErasureView {
  userId: string;
  erasedAt: string;
  mode: string;
  /** Comments changed (removed or anonymised). */
  comments: number;
  /** Stories whose threads changed. */
  stories: number;
}

export const toDownloaded = (comment: CommentRecord, story: { title?: string; slug?: string } | null): DownloadedComment => ({
  id: comment._id,
  story: { id: comment.articleId, title: story?.title ?? null, slug: story?.slug ?? null },
  parentId: comment.parentId ?? null,
  status: comment.status,
  reason: comment.statusReason ?? null,
  body: comment.body,
  source: comment.source,
  revision: comment.revision ?? 1,
  postedAt: comment.postedAt.toISOString(),
  editedAt: comment.editedAt?.toISOString() ?? null,
  decidedAt: comment.decidedAt?.toISOString() ?? null,
});
