import { Logger } from '@nestjs/common';
import { Model, Schema } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { OutboxStore, PendingOutbox } from '@app/kafka';
import { KeyedLock } from './keyed-lock';

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

/** Serves the relay's poll: documents with events waiting, oldest first (a page of them). */
export const addOutboxIndex = (schema: Schema) => schema.index({ outboxPending: 1, outboxAt: 1 });

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

/**
 * An OutboxStore over any mongoose model whose schema has `outboxFields` and timestamps.
 *
 * FerretDB 1.24 applies every update by reading the document and writing the whole of it back,
 * not atomically: removing published events from a document while another writer changes it
 * (a comment's decision lands milliseconds after its submission is published) wrote back the
 * state read before, undoing the change and losing its event (the fault suite saw comments stay
 * pending for good). So published events are removed only from documents that have been quiet
 * for `quietMs` and only if still unchanged (`updatedAt`) when written; until then this process
 * remembers what it published, so a poll does not publish it again.
 *
 * When the writer said which version of the document its events were the whole outbox of
 * (PendingOutbox.version), clearing costs one conditional update once that version is quiet, with
 * no read: a newer version handed over meanwhile replaces it (its own clearing covers both), and a
 * version changed by another process is left to the poller, which reads before it clears.
 */
export class MongooseOutboxStore implements OutboxStore {
  private readonly log = new Logger(MongooseOutboxStore.name);
  /** Event id → when this process had it acknowledged; forgotten once removed from its document. */
  private readonly published = new Map<string, number>();
  /** Document id → the version to clear once quiet, and the events that were its whole outbox. */
  private readonly due = new Map<string, { version: number; eventIds: string[] }>();
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly model: Model<WithOutbox & { _id: string }>,
    private readonly quietMs = 2_000,
    /** The lock the model's other writers in this process take per document (see KeyedLock). */
    private readonly writes = new KeyedLock(),
  ) {}

  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    // Oldest first and bounded: during a broker outage the backlog grows every second, and each
    // poll read all of it. Documents only waiting to be cleared (due) are skipped below, so the
    // page is that much larger, or they could fill it and hide what still needs publishing.
    const docs = await this.model
      .find({ outboxPending: true }, { outbox: 1, outboxAt: 1 })
      .sort({ outboxAt: 1 })
      .limit(limit + this.due.size)
      .lean<{ _id: string; outbox: EventEnvelope<unknown>[]; outboxAt?: Date }[]>();
    // The page is aged and ordered here (see outboxPending): those with events still to publish
    // first, oldest first; then those only waiting to be cleaned (markPublished cleans them once
    // quiet), unless a clearing is due already.
    const age = (doc: { outboxAt?: Date }) => doc.outboxAt?.getTime() ?? 0;
    return docs
      .filter((doc) => doc.outbox.length && age(doc) <= olderThan.getTime())
      .map((doc) => ({ id: String(doc._id), events: doc.outbox.filter((event) => !this.published.has(event.id)), at: age(doc) }))
      .filter((doc) => doc.events.length || !this.due.has(doc.id))
      .sort((a, b) => Number(b.events.length > 0) - Number(a.events.length > 0) || a.at - b.at)
      .slice(0, limit)
      .map(({ id, events }) => ({ id, events }));
  }

  /** A writer hands over its document's whole outbox: what was published already is not sent again. */
  unpublished(events: EventEnvelope<unknown>[]): EventEnvelope<unknown>[] {
    return events.filter((event) => !this.published.has(event.id));
  }

  /**
   * A newer version of these documents was written: an older one due for clearing would no longer
   * match, so it is dropped now (the newer one is due once published; if that fails, the poller).
   */
  handedOver(pendings: PendingOutbox[]): void {
    for (const { id, version } of pendings) {
      const due = this.due.get(id);
      if (due && (!version || due.version < version.getTime())) this.due.delete(id);
    }
  }

  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    const now = Date.now();
    for (const { events } of published) for (const event of events) this.published.set(event.id, now);
    const unversioned: PendingOutbox[] = [];
    for (const pending of published) {
      if (!pending.version) {
        unversioned.push(pending);
        continue;
      }
      const version = pending.version.getTime();
      const earlier = this.due.get(pending.id);
      if (!earlier || earlier.version <= version) this.due.set(pending.id, { version, eventIds: pending.events.map((event) => event.id) });
    }
    if (this.due.size) this.sweeper ??= setTimeout(() => void this.sweep(), this.quietMs).unref();
    if (unversioned.length) await this.clean(unversioned, now);
    // Ids of events whose document went away meanwhile must not pile up.
    for (const [id, at] of this.published) if (now - at > 3_600_000) this.published.delete(id);
  }

  /**
   * Clears every due version that has been quiet long enough: no read, one bulk write per chunk
   * of documents (one command), holding their locks so no writer of this process is overwritten.
   */
  async sweep(): Promise<void> {
    this.sweeper = undefined;
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      const quietBefore = Date.now() - this.quietMs;
      const ready = [...this.due].filter(([, due]) => due.version <= quietBefore);
      for (let i = 0; i < ready.length; i += 64) {
        const chunk = ready.slice(i, i + 64);
        await this.writes
          .runAll(
            chunk.map(([id]) => id),
            async () => {
              // A newer version handed over meanwhile is cleared instead, later.
              const current = chunk.filter(([id, due]) => this.due.get(id) === due);
              for (const [id] of current) this.due.delete(id);
              const clear = current.filter(([, due]) => due.eventIds.every((eventId) => this.published.has(eventId)));
              if (!clear.length) return;
              const result = await this.model.bulkWrite(
                clear.map(([id, due]) => ({
                  updateOne: { filter: { _id: id, updatedAt: new Date(due.version) }, update: { $set: { outbox: [] }, $unset: { outboxAt: 1, outboxPending: 1 } } },
                })) as never,
                { ordered: false },
              );
              // All matched: forget their event ids. Otherwise another process changed some of
              // them; the poller reads those and clears them, and must still know what went out.
              if (result.matchedCount === clear.length) for (const [, due] of clear) for (const eventId of due.eventIds) this.published.delete(eventId);
            },
          )
          .catch((error: Error) => {
            // Left to the poller, which reads and clears (the versions are forgotten: they may be stale now).
            // Said, not swallowed: a database refusing every clearing shows as outboxes that keep growing.
            this.log.warn({ msg: 'outbox clearing failed, left to the poller', collection: this.model.collection.name, documents: chunk.length, error: error.message });
          });
      }
    })().finally(() => {
      this.sweeping = undefined;
      if (this.due.size) this.sweeper ??= setTimeout(() => void this.sweep(), this.quietMs / 2).unref();
    });
    return this.sweeping;
  }

  /** Per document, under the writers' lock: read it, then write it back only if quiet and unchanged. */
  private async clean(published: PendingOutbox[], now: number): Promise<void> {
    // Read by _id (an `_id: { $in }` filter is not pushed down by FerretDB and would read the
    // whole collection). No writer of this process can slip in between.
    const cleaned: string[] = [];
    await Promise.all(
      published.map(({ id }) =>
        this.writes.run(id, async () => {
          const doc = await this.model.findById(id, { outbox: 1, updatedAt: 1 }).lean<{ _id: string; outbox: EventEnvelope<unknown>[]; updatedAt?: Date }>();
          if (!doc) return;
          const done = doc.outbox.filter((event) => this.published.has(event.id));
          // Still busy: a later poll removes them (the poller keeps finding the document until then).
          if (!done.length || !doc.updatedAt || now - doc.updatedAt.getTime() < this.quietMs) return;
          const left = doc.outbox.filter((event) => !this.published.has(event.id));
          // Conditional on the document being as read (a $set of the array read back, not a
          // conditional $pull, which FerretDB 1.24 silently ignores). Writers of other processes
          // are only kept out by the quiet period: see ARCHITECTURE, known limits.
          await this.model.updateOne(
            { _id: doc._id, updatedAt: doc.updatedAt } as never,
            left.length ? { $set: { outbox: left } } : { $set: { outbox: [] }, $unset: { outboxAt: 1, outboxPending: 1 } },
          );
          cleaned.push(...done.map((event) => event.id));
        }),
      ),
    );
    for (const id of cleaned) this.published.delete(id);
  }
}
