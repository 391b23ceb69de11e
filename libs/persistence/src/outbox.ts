import { Model, Schema } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { OutboxStore, PendingOutbox } from '@app/kafka';

/**
 * Fields a document gets to carry its own unpublished events. The events are written in the
 * same single-document update as the state they announce, so one cannot exist without the
 * other (no multi-document transactions needed, which FerretDB lacks).
 */
export const outboxFields = {
  outbox: { type: [Schema.Types.Mixed] as never, default: [] },
  /** When the oldest unpublished event was recorded; unset when none is waiting. */
  outboxAt: { type: Date },
  /**
   * true while events wait; unset once published. The relay polls by this equality, which
   * FerretDB 1.24 pushes down to PostgreSQL; a range on outboxAt it would evaluate by decoding
   * every document of the collection, on every poll.
   */
  outboxPending: { type: Boolean },
};

/** Serves the relay's poll: documents with events waiting. */
export const addOutboxIndex = (schema: Schema) => schema.index({ outboxPending: 1 });

export interface WithOutbox {
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
  outboxPending?: boolean;
}

/** The fields a new document gets when it is inserted with events to publish. */
export const pendingOutbox = (at = new Date()) => ({ outboxAt: at, outboxPending: true });

/** Adds "append these events to the outbox" to an update that $sets state. */
export const appendToOutbox = <S extends object>(update: { $set: S }, events: EventEnvelope<unknown>[]) =>
  events.length
    ? { ...update, $set: { ...update.$set, outboxPending: true }, $push: { outbox: { $each: events } }, $min: { outboxAt: new Date() } }
    : update;

/** An OutboxStore over any mongoose model whose schema has `outboxFields`. */
export class MongooseOutboxStore implements OutboxStore {
  constructor(private readonly model: Model<WithOutbox & { _id: string }>) {}

  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const docs = await this.model
      .find({ outboxPending: true }, { outbox: 1, outboxAt: 1 })
      .lean<{ _id: string; outbox: EventEnvelope<unknown>[]; outboxAt?: Date }[]>();
    // The few pending documents are ordered and aged here rather than by the database (see outboxPending).
    return docs
      .filter((doc) => doc.outbox.length && (!doc.outboxAt || doc.outboxAt.getTime() <= olderThan.getTime()))
      .sort((a, b) => (a.outboxAt?.getTime() ?? 0) - (b.outboxAt?.getTime() ?? 0))
      .slice(0, limit)
      .map((doc) => ({ id: String(doc._id), events: doc.outbox }));
  }

  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    // $pullAll removes elements equal to the given ones. A conditional $pull ({ id: { $in } })
    // would be neater, but FerretDB 1.24 silently matches nothing with it; so the stored
    // elements are read back first and removed by equality. One read per document by _id: an
    // `_id: { $in }` filter is not pushed down by FerretDB, and would scan the collection.
    const ids = new Set(published.flatMap(({ events }) => events.map((event) => event.id)));
    const docs = await Promise.all(
      published.map(({ id, events, exact }) =>
        exact ? { _id: id, outbox: events } : this.model.findById(id, { outbox: 1 }).lean<{ _id: string; outbox: EventEnvelope<unknown>[] }>(),
      ),
    );
    const writes = docs.flatMap((doc) => {
      const done = doc?.outbox.filter((event) => ids.has(event.id)) ?? [];
      if (!doc || !done.length) return [];
      return [
        { updateOne: { filter: { _id: doc._id }, update: { $pullAll: { outbox: done } } } },
        { updateOne: { filter: { _id: doc._id, outbox: { $size: 0 } }, update: { $unset: { outboxAt: 1, outboxPending: 1 } } } },
      ];
    });
    if (writes.length) await this.model.bulkWrite(writes as never, { ordered: true });
  }

}
