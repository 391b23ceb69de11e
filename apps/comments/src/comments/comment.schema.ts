import { Schema } from 'mongoose';
import { CommentAuthor, CommentSource, CommentStatus, EventEnvelope } from '@app/contracts';
import { addOutboxIndex, outboxFields } from '@app/persistence';

/** One comment under a story. */
export interface CommentDocument {
  _id: string;
  articleId: string;
  author: CommentAuthor;
  body: string;
  postedAt: Date;
  status: CommentStatus;
  source: CommentSource;
  /** The comment's id in the system it was imported from; null for readers' comments. */
  externalId: string | null;
  /**
   * Always set, unique per story: `import:<externalId>` or `reader:<id>`. FerretDB has no partial
   * indexes, so a unique index on externalId alone would collide on the readers' nulls.
   */
  importKey: string;
  /** The comment this one replies to, and how deep in the conversation it sits (0 = top level). */
  parentId?: string | null;
  depth?: number;
  /** Grows by one per edit by its author; a moderation decision applies to one revision. */
  revision?: number;
  /** Why the comment has its status (the rule or the moderator's reason); shown to its author. */
  statusReason?: string;
  /** When the decision that set the status was made, so an older decision never overrides a newer one. */
  decidedAt?: Date;
  /** The decision's place in moderation's journal of the case: the order decisions apply in. */
  decisionSeq?: number;
  editedAt?: Date;
  /** A deleted comment with replies stays in the thread as a placeholder. */
  placeholder?: boolean;
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
  /** Set by every write (schema timestamps): the version the outbox cleaning is conditional on. */
  updatedAt?: Date;
}

export const COMMENT_MODEL = 'Comment';

export const importKeyOf = (externalId: string) => `import:${externalId}`;

export const CommentSchema = new Schema<CommentDocument>(
  {
    _id: { type: String, required: true },
    articleId: { type: String, required: true },
    author: { _id: false, id: String, name: { type: String, required: true } },
    body: { type: String, required: true },
    postedAt: { type: Date, required: true },
    status: { type: String, required: true },
    source: { type: String, required: true },
    externalId: { type: String, default: null },
    importKey: { type: String, required: true },
    parentId: { type: String, default: null },
    depth: { type: Number, default: 0 },
    revision: { type: Number, default: 1 },
    statusReason: String,
    decidedAt: Date,
    decisionSeq: Number,
    editedAt: Date,
    placeholder: Boolean,
    ...outboxFields,
  },
  { collection: 'comments', timestamps: true, versionKey: false },
);

// Import idempotency: an (articleId, importKey) pair is stored once; also the import's
// { articleId, importKey: { $in: [...] } } look-up of what a batch already holds.
CommentSchema.index({ articleId: 1, importKey: 1 }, { unique: true });
// The thread read: { articleId, status: 'approved' } oldest first, paged by (postedAt, _id);
// and the approved count { articleId, status: 'approved' }.
CommentSchema.index({ articleId: 1, status: 1, postedAt: 1, _id: 1 });
// The reconciler: { status: 'pending' } oldest first (comments left pending too long).
CommentSchema.index({ status: 1, postedAt: 1 });
// Repeat posts and replies: { parentId } to count a comment's replies.
CommentSchema.index({ parentId: 1 });
// A reader's own data: { 'author.id' } for their download and their erasure.
CommentSchema.index({ 'author.id': 1 });
addOutboxIndex(CommentSchema);
