import { Schema } from 'mongoose';
import { CommentPolicy, ThreadState } from '@app/contracts';
import { ClosedReason } from './thread.rules';

/**
 * One story's comment thread as of its latest change: a snapshot materialized from the
 * thread_changes log (see thread-change.schema.ts), which is the truth. Its id is the story's id.
 * It carries no outbox: the only writes to it are whole snapshots, so nothing can be lost when
 * two of them race (on FerretDB an update rewrites the whole document).
 */
export interface ThreadDocument {
  _id: string;
  state: ThreadState;
  /** The seq of the latest change applied; thread.* events carry the seq they produced. */
  seq: number;
  /** The newest article revision applied: older or repeated article events change nothing. */
  articleRevision: number;
  slug: string;
  title: string;
  publishedAt: Date;
  policy: CommentPolicy;
  closesAt: Date;
  archivesAt: Date;
  /** See Lifecycle in thread.rules.ts. */
  closedReason: ClosedReason | null;
  autoClose: boolean;
  /** When the sweep must look at the thread next; null when nothing can come by itself. */
  nextTransitionAt: Date | null;
  /**
   * nextTransitionAt is set (the thread is open or closed). Stored by the repository for the
   * sweep's query: FerretDB filters in the database only on equality, so `active: true` keeps the
   * archived and hidden majority out of what it reads to evaluate the date range.
   */
  active?: boolean;
  /** Approved comments: recomputed by counting after every import (see ThreadsService.recount). */
  commentCount: number;
  stateChangedAt: Date;
}

/** Everything of a thread but its id (and derived fields): what each change records in full. */
export type ThreadSnapshot = Omit<ThreadDocument, '_id' | 'active'>;

export const THREAD_MODEL = 'Thread';

export const ThreadSchema = new Schema<ThreadDocument>(
  {
    _id: { type: String, required: true },
    state: { type: String, required: true },
    seq: { type: Number, required: true },
    articleRevision: { type: Number, required: true },
    slug: String,
    title: String,
    publishedAt: Date,
    policy: { _id: false, closeAfterDays: Number, archiveAfterDays: Number, preModeration: Boolean },
    closesAt: Date,
    archivesAt: Date,
    closedReason: { type: String, default: null },
    autoClose: { type: Boolean, default: true },
    nextTransitionAt: { type: Date, default: null },
    active: Boolean,
    commentCount: { type: Number, default: 0 },
    stateChangedAt: Date,
  },
  { collection: 'threads', timestamps: false, versionKey: false },
);

// The sweep: { active: true, nextTransitionAt: { $lte: now } } sorted by (nextTransitionAt, _id),
// paged by the same pair.
ThreadSchema.index({ active: 1, nextTransitionAt: 1, _id: 1 });
