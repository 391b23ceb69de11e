import { Model } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { OutboxStore, PendingOutbox } from '@app/kafka';
import { ThreadChangeDocument } from './thread-change.schema';

/**
 * The relay's view of the thread_changes log. A change's outbox is written once, when the change
 * is inserted, and never appended to, so publishing empties it whole.
 *
 * Every query leads with an equality on `pending`: FerretDB 1.x evaluates only equality in the
 * database and everything else (ranges, $in, sorts) in its own process after reading the rows,
 * and the log grows with every change while only the few unpublished ones matter here.
 */
export class ThreadChangesOutbox implements OutboxStore {
  constructor(private readonly model: Model<ThreadChangeDocument>) {}

  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const docs = await this.model
      .find({ pending: true, outboxAt: { $lte: olderThan } }, { outbox: 1 })
      .sort({ outboxAt: 1, seq: 1 })
      .limit(limit)
      .lean<{ _id: string; outbox: EventEnvelope<unknown>[] }[]>();
    return docs.map((doc) => ({ id: doc._id, events: doc.outbox }));
  }

  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    await this.model.updateMany(
      { pending: true, _id: { $in: published.map(({ id }) => id) } },
      { $set: { outbox: [] }, $unset: { pending: 1, outboxAt: 1 } },
    );
  }
}
