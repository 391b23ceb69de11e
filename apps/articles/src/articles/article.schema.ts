import { Schema } from 'mongoose';
import { Actor, CommentPolicy, EventEnvelope, PhotoCredit, ThreadState } from '@app/contracts';
import { addOutboxIndex, outboxFields } from '@app/persistence';

export type ArticleStatus = 'published' | 'unpublished';

export interface ArticleDocument {
  _id: string;
  slug: string;
  title: string;
  byline: string;
  categories: string[];
  tags: string[];
  photoCredits: PhotoCredit[];
  body: string;
  publishedAt: Date;
  commentPolicy: CommentPolicy;
  status: ArticleStatus;
  /** Grows by one per change; events carry it so consumers apply only newer snapshots. */
  revision: number;
  createdBy: Actor;
  updatedBy: Actor;
  createdAt: Date;
  updatedAt: Date;
  /**
   * The comments side's view of this story, joined at read time from article_threads (see
   * article-thread.schema.ts); not stored in this document.
   */
  thread?: { state: ThreadState; commentCount: number };
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
}

export const ARTICLE_MODEL = 'Article';

const actor = { id: String, name: String, roles: [String] };

export const ArticleSchema = new Schema<ArticleDocument>(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true },
    title: { type: String, required: true },
    byline: { type: String, required: true },
    categories: { type: [String], default: [] },
    tags: { type: [String], default: [] },
    photoCredits: { type: [{ _id: false, name: String, caption: String }], default: [] },
    body: { type: String, required: true },
    publishedAt: { type: Date, required: true },
    commentPolicy: { _id: false, closeAfterDays: Number, archiveAfterDays: Number, preModeration: Boolean },
    status: { type: String, required: true },
    revision: { type: Number, required: true },
    createdBy: { _id: false, ...actor },
    updatedBy: { _id: false, ...actor },
    ...outboxFields,
  },
  { collection: 'articles', timestamps: true, versionKey: false },
);

// GET /articles/by-slug and the slug's uniqueness.
ArticleSchema.index({ slug: 1 }, { unique: true });
// GET /articles: newest first, paged by (publishedAt, _id).
ArticleSchema.index({ status: 1, publishedAt: -1, _id: -1 });
addOutboxIndex(ArticleSchema);
