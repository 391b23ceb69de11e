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
};

/** Serves the relay's poll: documents with events waiting, oldest first. */
export const addOutboxIndex = (schema: Schema) => schema.index({ outboxAt: 1 });

export interface WithOutbox {
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
}

/** The update fragment that appends events to a document's outbox. */
export const appendToOutbox = (events: EventEnvelope<unknown>[]) => ({
  $push: { outbox: { $each: events } },
  $min: { outboxAt: new Date() },
});

/** An OutboxStore over any mongoose model whose schema has `outboxFields`. */
export class MongooseOutboxStore implements OutboxStore {
  constructor(private readonly model: Model<WithOutbox & { _id: string }>) {}

  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const docs = await this.model
      .find({ outboxAt: { $lte: olderThan } }, { outbox: 1 })
      .sort({ outboxAt: 1 })
      .limit(limit)
      .lean<{ _id: string; outbox: EventEnvelope<unknown>[] }[]>();
    return docs.map((doc) => ({ id: String(doc._id), events: doc.outbox }));
  }

  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    // $pullAll removes elements equal to the given ones. A conditional $pull ({ id: { $in } })
    // would be neater, but FerretDB 1.24 silently matches nothing with it; so the stored
    // elements are read back first and removed by equality.
    const ids = new Set(published.flatMap(({ events }) => events.map((event) => event.id)));
    const docs = await this.model
      .find({ _id: { $in: published.map(({ id }) => id) } }, { outbox: 1 })
      .lean<{ _id: string; outbox: EventEnvelope<unknown>[] }[]>();
    const writes = docs.flatMap((doc) => {
      const done = doc.outbox.filter((event) => ids.has(event.id));
      if (!done.length) return [];
      return [
        { updateOne: { filter: { _id: doc._id }, update: { $pullAll: { outbox: done } } } },
        { updateOne: { filter: { _id: doc._id, outbox: { $size: 0 } }, update: { $unset: { outboxAt: 1 } } } },
      ];
    });
    if (writes.length) await this.model.bulkWrite(writes as never, { ordered: true });
  }

}
