import { Schema } from 'mongoose';
import { Actor, EventEnvelope, ThreadChangeReason, ThreadState } from '@app/contracts';
import { outboxFields } from '@app/persistence';
import { ThreadSnapshot } from './thread.schema';

/** One line of a thread's audit trail: a lifecycle event, who caused it (absent: the system) and why. */
export interface ThreadAuditEntry {
  seq: number;
  event: string;
  /** The id of the event that announced this line on the topic. */
  eventId: string;
  from: ThreadState | null;
  to: ThreadState;
  reason: ThreadChangeReason;
  at: Date;
  actor?: Actor;
  note?: string;
}

/**
 * One committed change of a thread: the log the thread document is materialized from.
 *
 * `_id` is `<articleId>:<baseSeq>`, the seq the change was decided on. The unique `_id` is what
 * makes every change exactly-once: of two instances (or a retry and the original) deciding on
 * the same seq, one insert wins and the other gets a duplicate key, re-reads, and decides again
 * (usually: nothing left to do). An insert is the one write both MongoDB and FerretDB make
 * atomically; FerretDB 1.x checks an update's filter and rewrites the document in two steps, so
 * a `{ _id, seq }` conditional update is not a compare-and-set there.
 *
 * The change carries the thread's whole state after it (`snapshot`), its events (the outbox, for
 * the relay) and their audit lines; it is never updated except by the relay emptying its outbox.
 */
export interface ThreadChangeDocument {
  _id: string;
  articleId: string;
  baseSeq: number;
  /** The thread's seq after the change (baseSeq + number of events, or + 1 for a silent change). */
  seq: number;
  at: Date;
  snapshot: ThreadSnapshot;
  audit: ThreadAuditEntry[];
  /** The ids of its events, kept after the relay empties the outbox. */
  eventIds: string[];
  outbox: EventEnvelope<unknown>[];
  /** Set while events wait for the relay (see ThreadChangesOutbox). */
  pending?: true;
  outboxAt?: Date;
}

export const THREAD_CHANGE_MODEL = 'ThreadChange';

export const changeIdOf = (articleId: string, baseSeq: number) => `${articleId}:${baseSeq}`;

export const ThreadChangeSchema = new Schema<ThreadChangeDocument>(
  {
    _id: { type: String, required: true },
    articleId: { type: String, required: true },
    baseSeq: { type: Number, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
    audit: { type: [Schema.Types.Mixed] as never, default: [] },
    eventIds: { type: [String], default: [] },
    pending: Boolean,
    ...outboxFields,
  },
  { collection: 'thread_changes', timestamps: false, versionKey: false, minimize: false },
);

// The latest change of a thread ({ articleId } sorted by seq descending, limit 1), to roll the
// thread document forward; and the audit trail ({ articleId } by seq).
ThreadChangeSchema.index({ articleId: 1, seq: -1 });
// The relay's poll: { pending: true, outboxAt: { $lte } } oldest first.
ThreadChangeSchema.index({ pending: 1, outboxAt: 1 });
