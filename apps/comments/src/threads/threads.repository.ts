import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { InsertBatcher, isDuplicateKeyError } from '@app/persistence';
import { CommentsConfig } from '../comments.config';
import { ThreadChangesOutbox } from './thread-changes.outbox';
import { THREAD_CHANGE_MODEL, ThreadAuditEntry, ThreadChangeDocument } from './thread-change.schema';
import { THREAD_MODEL, ThreadDocument, ThreadSnapshot } from './thread.schema';

export type ThreadRecord = ThreadDocument;

/** All I/O on the threads collection and the thread_changes log. */
@Injectable()
export class ThreadsRepository implements OnModuleInit {
  readonly outboxStore: ThreadChangesOutbox;
  /**
   * Changes and new thread documents committed within COMMENT_BATCH_LINGER_MS of each other share
   * one insertMany (the consumer's lanes open many threads at once when stories arrive in bulk;
   * on FerretDB a batched insert costs a sixteenth of single ones). Each writer still learns only
   * whether its own document was inserted or refused as a duplicate, so the unique key stays the
   * commit point.
   */
  private readonly changeInserts: InsertBatcher<ThreadChangeDocument>;
  private readonly threadInserts: InsertBatcher<ThreadDocument>;

  constructor(
    @InjectModel(THREAD_MODEL) private readonly threads: Model<ThreadDocument>,
    @InjectModel(THREAD_CHANGE_MODEL) private readonly changes: Model<ThreadChangeDocument>,
    config: CommentsConfig,
  ) {
    this.outboxStore = new ThreadChangesOutbox(changes, (id, snapshot) => this.applySnapshot(id, snapshot));
    const batching = { lingerMs: config.COMMENT_BATCH_LINGER_MS, maxBatch: config.COMMENT_BATCH_MAX };
    this.changeInserts = new InsertBatcher((docs) => this.changes.collection.insertMany(docs as never[], { ordered: false }), batching);
    this.threadInserts = new InsertBatcher((docs) => this.threads.collection.insertMany(docs as never[], { ordered: false }), batching);
  }

  /** The indexes must exist before the first change relies on them. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.threads.init(), this.changes.init()]);
  }

  findById(id: string): Promise<ThreadRecord | null> {
    return this.threads.findById(id).lean<ThreadRecord>();
  }

  /**
   * Records a change; false when a change from the same base seq exists already (someone else
   * changed the thread first). This insert is the commit point.
   */
  insertChange(change: ThreadChangeDocument): Promise<boolean> {
    return this.changeInserts.insert({ ...change, ...(change.outbox.length ? { pending: true as const, outboxAt: change.at } : {}) });
  }

  /** The thread's latest committed change: the truth the thread document may lag behind. */
  latestChange(articleId: string): Promise<Pick<ThreadChangeDocument, 'seq' | 'snapshot'> | null> {
    return this.changes
      .findOne({ articleId }, { seq: 1, snapshot: 1 })
      .sort({ seq: -1 })
      .lean<Pick<ThreadChangeDocument, 'seq' | 'snapshot'>>();
  }

  /** Every audit line of a thread, oldest first. */
  async auditOf(articleId: string): Promise<ThreadAuditEntry[]> {
    const changes = await this.changes
      .find({ articleId }, { audit: 1, seq: 1 })
      .sort({ seq: 1 })
      .lean<Pick<ThreadChangeDocument, 'audit'>[]>();
    return changes.flatMap((change) => change.audit ?? []);
  }

  /**
   * Materializes a committed change: writes the snapshot unless the document holds a newer one,
   * or creates the document. Idempotent; any instance may do it (the writer right after its
   * commit, or anyone who finds the document behind the log).
   */
  async applySnapshot(id: string, snapshot: ThreadSnapshot): Promise<void> {
    const stored = { ...snapshot, active: snapshot.nextTransitionAt !== null };
    const updated = await this.threads.updateOne({ _id: id, seq: { $lt: snapshot.seq } }, { $set: stored });
    if (updated.matchedCount) return;
    try {
      await this.threads.collection.insertOne({ _id: id, ...stored } as never);
    } catch (error) {
      // The document exists with this seq or a newer one: nothing to do.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Materializes the first change of a thread: an insert (batched with others, see above), and
   * only when the document exists already (a crash, a racing writer) applySnapshot's update.
   */
  async createThread(id: string, snapshot: ThreadSnapshot): Promise<void> {
    const inserted = await this.threadInserts.insert({ _id: id, ...snapshot, active: snapshot.nextTransitionAt !== null });
    if (!inserted) await this.applySnapshot(id, snapshot);
  }

  /**
   * Threads with a transition due at `now`, in (nextTransitionAt, _id) order, after `after`
   * (exclusive) so one sweep pass never reads a thread twice. Served by { active, nextTransitionAt, _id }.
   */
  findDue(now: Date, after: { at: Date; id: string } | undefined, limit: number): Promise<ThreadRecord[]> {
    const filter: QueryFilter<ThreadDocument> = after
      ? {
          active: true,
          nextTransitionAt: { $lte: now },
          $or: [{ nextTransitionAt: { $gt: after.at } }, { nextTransitionAt: after.at, _id: { $gt: after.id } }],
        }
      : { active: true, nextTransitionAt: { $lte: now } };
    return this.threads.find(filter).sort({ nextTransitionAt: 1, _id: 1 }).limit(limit).lean<ThreadRecord[]>();
  }
}
