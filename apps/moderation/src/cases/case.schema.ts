import { Schema } from 'mongoose';
import { Actor, CommentSource, EventEnvelope, ModerationDecision } from '@app/contracts';
import { outboxFields } from '@app/persistence';
import { pendingOutboxFields } from '../outbox/journal-outbox.store';

/**
 * Where a comment stands with moderation. held: waits for a human; approved: visible;
 * rejected: never shown; reported: approved and still visible, but enough readers reported it
 * that a human should look; deleted: its author deleted it (out of every queue).
 */
export type CaseStatus = 'held' | 'approved' | 'rejected' | 'reported' | 'deleted';

/** The latest decision on a case: by a rule (no `by`) or by a moderator. */
export interface CaseVerdict {
  revision: number;
  decision: ModerationDecision;
  /** The rule that decided (banned_words, clean, …), "import", or "moderator". */
  rule: string;
  /** The rule's evidence, or the moderator's reason. */
  reason: string;
  by?: Actor;
  at: Date;
  /** A moderator's override: the decisionSeq of the decision it reversed. */
  overrides?: number;
}

export interface CaseReport {
  by: { id: string; name: string };
  reason: string;
  at: Date;
}

/** Everything moderation knows about one comment, as of one journal entry. */
export interface CaseState {
  commentId: string;
  articleId: string;
  parentId?: string;
  author: { id?: string; name: string };
  source: CommentSource;
  body: string;
  revision: number;
  status: CaseStatus;
  /** When the first revision was posted, and when the current one was. */
  firstPostedAt: Date;
  postedAt: Date;
  verdict: CaseVerdict;
  /** Decisions so far, by rules and moderators: what a moderator's compare-and-set compares. */
  decisionSeq: number;
  /** Every distinct reader's report, oldest first. */
  reports: CaseReport[];
  /** How many of the reports a moderator's decision has answered already. */
  reviewedReports: number;
  /** Its author was erased: the text, the name and quoted evidence are gone; the decisions stay (docs/reader-data.md). */
  erased?: boolean;
}

/** One line of a case's audit trail. */
export type HistoryItem =
  | { type: 'submitted' | 'edited' | 'imported'; at: Date; revision: number; author: { id?: string; name: string }; body: string }
  | { type: 'rule_verdict'; at: Date; revision: number; rule: string; decision: ModerationDecision; evidence: string }
  | { type: 'moderator_decision'; at: Date; revision: number; decision: ModerationDecision; reason: string; by: { id: string; name: string } }
  | {
      type: 'moderator_override';
      at: Date;
      revision: number;
      decision: ModerationDecision;
      reason: string;
      by: { id: string; name: string };
      /** The decision reversed, as it stood. */
      overridden: { decisionSeq: number; decision: ModerationDecision; rule: string; reason: string; by?: { id: string; name: string }; at: Date };
    }
  | { type: 'reported'; at: Date; by: { id: string; name: string }; reason: string; reports: number }
  | { type: 'status_changed'; at: Date; from: CaseStatus; to: CaseStatus; why: string }
  | { type: 'deleted'; at: Date; revision: number; reason: string }
  | { type: 'erased'; at: Date; why: string };

/**
 * The case journal: the truth about every case, one insert-only document per change. `_id` is
 * `<commentId>:<seq>`: two writers who read the same latest entry both try the same next seq and
 * exactly one insert succeeds (that is the compare-and-set; FerretDB 1.24 applies a conditional
 * update non-atomically, so a filter on a version field would let both win). `uniq` carries a
 * second uniqueness rule: one report per reader per comment. The events announcing the change
 * ride in the same insert (outbox).
 */
export interface CaseEntryDocument {
  _id: string;
  caseId: string;
  seq: number;
  /** `report:<commentId>:<readerId>` for a report, else the _id. */
  uniq: string;
  at: Date;
  history: HistoryItem[];
  state: CaseState;
  /** The ids of the events that announced this change (the outbox empties once they are published). */
  eventIds: string[];
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
  outboxPending?: boolean;
}

export const CASE_ENTRY_MODEL = 'CaseEntry';

export const CaseEntrySchema = new Schema<CaseEntryDocument>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    seq: { type: Number, required: true },
    uniq: { type: String, required: true },
    at: { type: Date, required: true },
    history: { type: [Schema.Types.Mixed] as never, default: [] },
    state: { type: Schema.Types.Mixed, required: true },
    eventIds: { type: [String], default: [] },
    ...outboxFields,
    ...pendingOutboxFields,
  },
  { collection: 'case_entries', versionKey: false },
);

// One report per reader per comment (and, for every other entry, the same as _id).
CaseEntrySchema.index({ uniq: 1 }, { unique: true });
// A case's latest entry (sort seq -1, limit 1) and its whole history (sort seq 1).
CaseEntrySchema.index({ caseId: 1, seq: -1 });
// The outbox relay's poll: entries whose events wait (see JournalOutboxStore).
CaseEntrySchema.index({ outboxPending: 1 });

/**
 * The cases collection: each case's latest state, projected from the journal, for the queries
 * (the queue, an author's record, the repeat window). May lag the journal by a moment; whatever
 * must be exact (decisions, reports, idempotency) reads the journal.
 */
export interface CaseDocument {
  _id: string;
  seq: number;
  articleId: string;
  parentId?: string;
  authorId?: string;
  authorName: string;
  source: CommentSource;
  body: string;
  revision: number;
  status: CaseStatus;
  firstPostedAt: Date;
  postedAt: Date;
  verdict: CaseVerdict;
  decisionSeq: number;
  reports: CaseReport[];
  reviewedReports: number;
}

export const CASE_MODEL = 'Case';

export const CaseSchema = new Schema<CaseDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    articleId: { type: String, required: true },
    parentId: String,
    authorId: String,
    authorName: String,
    source: String,
    body: String,
    revision: Number,
    status: { type: String, required: true },
    firstPostedAt: Date,
    postedAt: { type: Date, required: true },
    verdict: Schema.Types.Mixed,
    decisionSeq: Number,
    reports: { type: [Schema.Types.Mixed] as never, default: [] },
    reviewedReports: Number,
  },
  { collection: 'cases', versionKey: false },
);

// GET /queue: one status, oldest first, paged by (postedAt, _id); q and the other filters narrow it.
CaseSchema.index({ status: 1, postedAt: 1, _id: 1 });
// GET /queue?articleId=: one story's cases in posting order.
CaseSchema.index({ articleId: 1, postedAt: 1 });
// An author's record: the repeat window (authorId, postedAt ≥ now − window), counts per status, GET /users/:id.
CaseSchema.index({ authorId: 1, postedAt: -1 });
