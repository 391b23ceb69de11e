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
  /**
   * Changes this process handed to the relay (change id → when), not yet known to be cleared.
   * Under load the fast path's publish and clearing can take longer than the poller's grace, and
   * the poller then showed, published and cleared the same changes again (a third of a bulk
   * import's thread writes). Held for at most HANDOVER_TRUST_MS: a handover that failed is the
   * poller's once that passes, and a crash forgets them all (the next process polls everything).
   */
  private readonly handed = new Map<string, number>();
  /** Published by this process, clearing in flight or failed: the poller only clears these again. */
  private readonly acked = new Set<string>();

  constructor(
    private readonly model: Model<ThreadChangeDocument>,
    /** Brings a thread document up to a change (never back): ThreadsRepository.applySnapshot. */
    private readonly show: (articleId: string, snapshot: ThreadSnapshot) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Changes whose events wait, oldest first. The writer announces a change only after its thread
   * document shows it; one left here may be one whose document write failed, so each document is
   * brought up to its change before the change is handed out for publishing.
   */
  async findPending(olderThan: Date, limit: number): Promise<PendingOutbox[]> {
    const trustedSince = this.now() - HANDOVER_TRUST_MS;
    for (const [id, at] of this.handed) if (at < trustedSince) this.handed.delete(id);
    const docs = await this.model
      .find({ pending: true, outboxAt: { $lte: olderThan } }, { outbox: 1, articleId: 1, snapshot: 1 })
      .sort({ outboxAt: 1, seq: 1 })
      .limit(limit + this.handed.size)
      .lean<Pick<ThreadChangeDocument, '_id' | 'outbox' | 'articleId' | 'snapshot'>[]>();
    const pending: PendingOutbox[] = [];
    for (const doc of docs) {
      if (pending.length >= limit) break;
      // Published by this process already: cleared again, not sent again.
      if (this.acked.has(doc._id)) pending.push({ id: doc._id, events: [] });
      else if (!this.handed.has(doc._id)) {
        await this.show(doc.articleId, doc.snapshot);
        pending.push({ id: doc._id, events: doc.outbox as EventEnvelope<unknown>[] });
      }
    }
    return pending;
  }

  handedOver(pendings: PendingOutbox[]): void {
    const at = this.now();
    for (const { id } of pendings) this.handed.set(id, at);
  }

  handoverFailed(pendings: PendingOutbox[]): void {
    for (const { id } of pendings) this.handed.delete(id);
  }

  /**
   * One conditional update per change, by _id, in one bulk command: `_id: { $in }` is evaluated by
   * FerretDB after reading every pending change, and during a bulk import thousands are pending.
   */
  async markPublished(published: PendingOutbox[]): Promise<void> {
    if (!published.length) return;
    for (const { id } of published) this.acked.add(id);
    await this.model.bulkWrite(
      published.map(({ id }) => ({ updateOne: { filter: { _id: id, pending: true }, update: { $set: { outbox: [] }, $unset: { pending: 1, outboxAt: 1 } } } })) as never,
      { ordered: false },
    );
    for (const { id } of published) {
      this.acked.delete(id);
      this.handed.delete(id);
    }
  }
}

/** How long the poller leaves a change this process handed over to the fast path. */
export const HANDOVER_TRUST_MS = 30_000;
