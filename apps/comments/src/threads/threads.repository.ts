import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { isDuplicateKeyError } from '@app/persistence';
import { ThreadChangesOutbox } from './thread-changes.outbox';
import { THREAD_CHANGE_MODEL, ThreadAuditEntry, ThreadChangeDocument } from './thread-change.schema';
import { THREAD_MODEL, ThreadDocument, ThreadSnapshot } from './thread.schema';

export type ThreadRecord = ThreadDocument;

/** All I/O on the threads collection and the thread_changes log. */
@Injectable()
export class ThreadsRepository implements OnModuleInit {
  readonly outboxStore: ThreadChangesOutbox;

  constructor(
    @InjectModel(THREAD_MODEL) private readonly threads: Model<ThreadDocument>,
    @InjectModel(THREAD_CHANGE_MODEL) private readonly changes: Model<ThreadChangeDocument>,
  ) {
    this.outboxStore = new ThreadChangesOutbox(changes, (id, snapshot) => this.applySnapshot(id, snapshot));
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
  async insertChange(change: ThreadChangeDocument): Promise<boolean> {
    try {
      await this.changes.collection.insertOne({ ...change, ...(change.outbox.length ? { pending: true, outboxAt: change.at } : {}) } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
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
