import { ThreadState } from '@app/contracts';
import { ThreadDocument } from './thread.schema';

/** What readers see of a thread. */
export interface ThreadView {
  articleId: string;
  state: ThreadState;
  closesAt: string;
  archivesAt: string;
  commentCount: number;
  comments: unknown[];
  nextCursor: string | null;
}

export const toThreadView = (thread: ThreadDocument): ThreadView => ({
  articleId: thread._id,
  state: thread.state,
  closesAt: thread.closesAt.toISOString(),
  archivesAt: thread.archivesAt.toISOString(),
  commentCount: 0,
  comments: [],
  nextCursor: null,
});
