import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { appendToOutbox, isDuplicateKeyError, KeyedLock, MongooseOutboxStore, pendingOutbox } from '@app/persistence';
import { COMMENT_MODEL, CommentDocument } from './comment.schema';

export type CommentRecord = Omit<CommentDocument, 'outbox' | 'outboxAt' | 'outboxPending'>;

interface WriteError {
  index: number;
  code?: number;
}

/** All I/O on the comments collection. */
@Injectable()
export class CommentsRepository implements OnModuleInit {
  readonly outboxStore: MongooseOutboxStore;
  /** Updates of one comment in this process never overlap, the outbox cleaning's included. */
  private readonly writes = new KeyedLock();

  constructor(@InjectModel(COMMENT_MODEL) private readonly model: Model<CommentDocument>) {
    this.outboxStore = new MongooseOutboxStore(model as never, undefined, this.writes);
  }

  /** The unique index must exist before the first import relies on it. */
  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Which of these import keys the story holds already. */
  /** The comments of a story stored under these import keys: their ids and depths, by import key. */
  async importedByKey(articleId: string, importKeys: string[]): Promise<Map<string, { _id: string; depth: number }>> {
    if (!importKeys.length) return new Map();
    const docs = await this.model
      .find({ articleId, importKey: { $in: importKeys } }, { importKey: 1, depth: 1 })
      .lean<{ _id: string; importKey: string; depth?: number }[]>();
    return new Map(docs.map((doc) => [doc.importKey, { _id: doc._id, depth: doc.depth ?? 0 }]));
  }

  /**
   * Inserts the comments that are not there yet and returns those it inserted, as stored (with
   * their updatedAt). A comment whose (articleId, importKey) exists already (a concurrent import
   * of the same batch) is skipped.
   */
  async insertNew(comments: CommentDocument[]): Promise<CommentDocument[]> {
    if (!comments.length) return [];
    const now = new Date();
    const stored = comments.map((comment) => ({ ...comment, ...(comment.outbox.length ? pendingOutbox(now) : {}), createdAt: now, updatedAt: now }));
    try {
      // The driver's insertMany: one round trip, and with ordered: false every comment is tried.
      await this.model.collection.insertMany(stored as never[], { ordered: false });
      return stored;
    } catch (error) {
      const writeErrors = duplicateOnly(error);
      if (!writeErrors) throw error;
      const failed = new Set(writeErrors.map((e) => e.index));
      return stored.filter((_, index) => !failed.has(index));
    }
  }

  /** Approved comments of a story, oldest first, after `after` (exclusive). */
  pageApproved(articleId: string, after: { postedAt: Date; id: string } | undefined, limit: number): Promise<CommentRecord[]> {
    // Approved comments, and deleted ones kept as placeholders because others replied to them.
    const visible: QueryFilter<CommentDocument>[] = [{ status: 'approved' }, { status: 'deleted', placeholder: true }];
    const filter: QueryFilter<CommentDocument> = after
      ? { articleId, $and: [{ $or: visible }, { $or: [{ postedAt: { $gt: after.postedAt } }, { postedAt: after.postedAt, _id: { $gt: after.id } }] }] }
      : { articleId, $or: visible };
    return this.model
      .find(filter, { outbox: 0, outboxAt: 0, outboxPending: 0 })
      .sort({ postedAt: 1, _id: 1 })
      .limit(limit)
      .lean<CommentRecord[]>();
  }

  /**
   * Every visible comment of a story (approved, and deleted placeholders), oldest first. One
   * equality query; the filtering and the order are done here, not by the database (FerretDB
   * would do them in its own process after reading the whole story anyway).
   */
  async visibleOf(articleId: string): Promise<CommentRecord[]> {
    const docs = await this.model
      .find({ articleId }, { outbox: 0, outboxAt: 0, outboxPending: 0, importKey: 0, externalId: 0 })
      .lean<CommentRecord[]>();
    return docs
      .filter((doc) => doc.status === 'approved' || (doc.status === 'deleted' && doc.placeholder))
      .sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }

  findById(id: string): Promise<CommentRecord | null> {
    return this.model.findById(id, { outbox: 0, outboxAt: 0, outboxPending: 0 }).lean<CommentRecord>();
  }

  /**
   * Changes a comment only if it is still at the revision and status it was read with (so two
   * changes never interleave), together with the events announcing the change. Null otherwise.
   */
  updateIf(
    id: string,
    expected: { revision: number; status: string; articleId?: string },
    set: Partial<CommentDocument>,
    events: EventEnvelope<unknown>[],
  ): Promise<CommentDocument | null> {
    const filter = {
      _id: id,
      status: expected.status,
      revision: expected.revision === 1 ? { $in: [1, null] } : expected.revision,
      ...(expected.articleId ? { articleId: expected.articleId } : {}),
    };
    const update = appendToOutbox({ $set: set }, events);
    return this.writes.run(id, () => this.model.findOneAndUpdate(filter as never, update, { returnDocument: 'after' }).lean<CommentDocument>());
  }

  /**
   * Puts the events of comments whose publication was not acknowledged into their outboxes, so
   * the relay's poller publishes them (rare: the broker did not answer in time). Under the same per-comment
   * lock as every other write of this process (see KeyedLock).
   */
  async leaveToOutbox(comments: Pick<CommentDocument, '_id' | 'outbox'>[]): Promise<void> {
    await Promise.all(
      comments.map(({ _id, outbox }) =>
        this.writes.run(_id, () => this.model.updateOne({ _id, outboxPending: { $ne: true } }, appendToOutbox({ $set: {} }, outbox))),
      ),
    );
  }

  /** Replies still shown under a comment (for the placeholder decision on delete). */
  countVisibleReplies(parentId: string): Promise<number> {
    return this.model.countDocuments({ parentId, status: { $in: ['approved', 'held', 'pending'] } });
  }

  /** Every comment a reader wrote, in any status, oldest first (their download, their erasure). */
  async byAuthor(userId: string): Promise<CommentRecord[]> {
    const docs = await this.model.find({ 'author.id': userId }, { outbox: 0, outboxAt: 0, outboxPending: 0 }).lean<CommentRecord[]>();
    return docs.sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime() || (a._id < b._id ? -1 : 1));
  }

  countApproved(articleId: string): Promise<number> {
    return this.model.countDocuments({ articleId, status: 'approved' });
  }
}

/** The write errors of a bulk insert when every one of them is a duplicate key; else undefined. */
function duplicateOnly(error: unknown): WriteError[] | undefined {
  const raw = (error as { writeErrors?: unknown })?.writeErrors;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as WriteError[];
  return list.length && list.every((e) => e.code === 11000) ? list : undefined;
}
