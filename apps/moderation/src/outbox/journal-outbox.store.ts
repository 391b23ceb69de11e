import { Model } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { OutboxStore, PendingOutbox } from '@app/kafka';

/** The fields a journal document carries while its events wait to be published. */
export const pendingOutboxFields = {
  /** true while events wait; unset once published. An equality filter, so FerretDB can push it down. */
  outboxPending: { type: Boolean },
};

/**
 * The outbox of an insert-only journal (case_entries, sanctions): each entry is written once with
 * its events and afterwards touched only by the relay.
 *
 * Why not MongooseOutboxStore: its poll filters on a range (`outboxAt <= t`), which FerretDB 1.24
 * cannot push down to PostgreSQL, so every poll decodes the whole collection (measured: ~0.3–0.6 s
 * per poll at a couple of hundred entries, growing with the journal, twice a second per relay).
 * An equality filter on `outboxPending` is pushed down: a poll costs what is pending, not what
 * was ever written.
 */
export class JournalOutboxStore implements OutboxStore {
  constructor(private readonly model: Model<{ _id: string; outbox: EventEnvelope<unknown>[]; outboxAt?: Date; outboxPending?: boolean }>) {}

  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const docs = await this.model
      .find({ outboxPending: true }, { outbox: 1, outboxAt: 1 })
      .sort({ outboxAt: 1 })
      .limit(limit)
      .lean<{ _id: string; outbox: EventEnvelope<unknown>[]; outboxAt?: Date }[]>();
    return docs
      .filter((doc) => doc.outbox.length && (!doc.outboxAt || doc.outboxAt.getTime() <= olderThan.getTime()))
      .map((doc) => ({ id: String(doc._id), events: doc.outbox }));
  }

  /** An entry's events are published together, and nothing else writes the entry: clear them all. */
  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    await this.model.bulkWrite(
      published.map(({ id }) => ({ updateOne: { filter: { _id: id }, update: { $set: { outbox: [] }, $unset: { outboxAt: 1, outboxPending: 1 } } } })) as never,
      { ordered: false },
    );
  }
}

/** The fields to add to a journal entry at insert so its events get published. */
export const withPendingOutbox = <T extends { at: Date; outbox: EventEnvelope<unknown>[] }>(entry: T) =>
  entry.outbox.length ? { ...entry, outboxAt: entry.at, outboxPending: true } : entry;
