import { Model } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { OutboxStore, PendingOutbox } from '@app/kafka';
import { ThreadChangeDocument } from './thread-change.schema';
import { ThreadSnapshot } from './thread.schema';

/**
 * The relay's view of the thread_changes log. A change's outbox is written once, when the change
 * is inserted, and never appended to, so publishing empties it whole.
 *
 * Every query leads with an equality on `pending`: FerretDB 1.x evaluates only equality in the
 * database and everything else (ranges, $in, sorts) in its own process after reading the rows,
 * and the log grows with every change while only the few unpublished ones matter here.
 */
export class ThreadChangesOutbox implements OutboxStore {
  constructor(
    private readonly model: Model<ThreadChangeDocument>,
    /** Brings a thread document up to a change (never back): ThreadsRepository.applySnapshot. */
    private readonly show: (articleId: string, snapshot: ThreadSnapshot) => Promise<void>,
  ) {}

  /**
   * Changes whose events wait, oldest first. The writer announces a change only after its thread
   * document shows it; one left here may be one whose document write failed, so each document is
   * brought up to its change before the change is handed out for publishing.
   */
  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const docs = await this.model
      .find({ pending: true, outboxAt: { $lte: olderThan } }, { outbox: 1, articleId: 1, snapshot: 1 })
      .sort({ outboxAt: 1, seq: 1 })
      .limit(limit)
      .lean<Pick<ThreadChangeDocument, '_id' | 'outbox' | 'articleId' | 'snapshot'>[]>();
    for (const doc of docs) await this.show(doc.articleId, doc.snapshot);
    return docs.map((doc) => ({ id: doc._id, events: doc.outbox as EventEnvelope<unknown>[] }));
  }

  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    await this.model.updateMany(
      { pending: true, _id: { $in: published.map(({ id }) => id) } },
      { $set: { outbox: [] }, $unset: { pending: 1, outboxAt: 1 } },
    );
  }
}
