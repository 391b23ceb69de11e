import { Schema } from 'mongoose';
import { CommentPolicy, EventEnvelope, ThreadState } from '@app/contracts';
import { addOutboxIndex, outboxFields } from '@app/persistence';

/** One story's comment thread. Its id is the story's id. */
export interface ThreadDocument {
  _id: string;
  state: ThreadState;
  /** Grows by one per change of state or schedule; thread.* events carry it. */
  seq: number;
  /** The newest article revision applied: older or repeated article events change nothing. */
  articleRevision: number;
  slug: string;
  title: string;
  publishedAt: Date;
  policy: CommentPolicy;
  closesAt: Date;
  archivesAt: Date;
  stateChangedAt: Date;
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
}

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
    stateChangedAt: Date,
    ...outboxFields,
  },
  { collection: 'threads', timestamps: true, versionKey: false },
);

addOutboxIndex(ThreadSchema);
