import { CommentPolicy, PhotoCredit, ThreadState } from '@app/contracts';
import { ArticleDocument, ArticleStatus } from './article.schema';

/** What the API shows of a story. */
export interface ArticleView {
  id: string;
  slug: string;
  title: string;
  byline: string;
  categories: string[];
  tags: string[];
  photoCredits: PhotoCredit[];
  body?: string;
  publishedAt: string;
  commentPolicy: CommentPolicy;
  status: ArticleStatus;
  revision: number;
  /** Until the comments side announced the thread, it is on its way: 'pending'. */
  thread: { state: ThreadState | 'pending' };
  /** What the page shows of its comments: the approved count (always a number) and the thread's state. */
  comments: { count: number; state: ThreadState | 'pending' };
  createdAt: string;
  updatedAt: string;
}

export function toArticleView(doc: ArticleDocument, withBody = true): ArticleView {
  return {
    id: doc._id,
    slug: doc.slug,
    title: doc.title,
    byline: doc.byline,
    categories: doc.categories,
    tags: doc.tags,
    photoCredits: doc.photoCredits.map(({ name, caption }) => (caption ? { name, caption } : { name })),
    ...(withBody ? { body: doc.body } : {}),
    publishedAt: doc.publishedAt.toISOString(),
    commentPolicy: {
      closeAfterDays: doc.commentPolicy.closeAfterDays,
      archiveAfterDays: doc.commentPolicy.archiveAfterDays,
      preModeration: doc.commentPolicy.preModeration,
    },
    status: doc.status,
    revision: doc.revision,
    thread: { state: doc.thread?.state ?? 'pending' },
    comments: { count: doc.thread?.commentCount ?? 0, state: doc.thread?.state ?? 'pending' },
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
