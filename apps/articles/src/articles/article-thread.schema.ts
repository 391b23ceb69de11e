import { Schema } from 'mongoose';
import { ThreadState } from '@app/contracts';

/**
 * What the comments side announced of a story's thread (thread.* events): its state and approved
 * count, as of the newest seq applied. Kept apart from the story's document on purpose: this
 * projection is written by the event consumer, the story by editors and the outbox relay, and on
 * FerretDB every update rewrites the whole document, so two writers of one document could undo
 * each other's changes. Its id is the story's id.
 */
export interface ArticleThreadDocument {
  _id: string;
  state: ThreadState;
  seq: number;
  commentCount: number;
}

export const ARTICLE_THREAD_MODEL = 'ArticleThread';

export const ArticleThreadSchema = new Schema<ArticleThreadDocument>(
  {
    _id: { type: String, required: true },
    state: { type: String, required: true },
    seq: { type: Number, required: true },
    commentCount: { type: Number, required: true, default: 0 },
  },
  { collection: 'article_threads', timestamps: true, versionKey: false },
);
// Read by _id only (one story, or { _id: { $in: page } } for a list page): no other index.
