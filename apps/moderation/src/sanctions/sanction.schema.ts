import { Schema } from 'mongoose';
import { Actor, EventEnvelope, SanctionKind } from '@app/contracts';
import { outboxFields } from '@app/persistence';
import { pendingOutboxFields } from '../outbox/journal-outbox.store';

export type SanctionEntryType = 'imposed' | 'lifted';

/**
 * One line of the sanctions journal: a sanction imposed, or lifted. Insert-only: `_id` is
 * `<sanctionId>:<type>`, so a sanction is imposed once and lifted at most once however many
 * moderators click at the same moment (the unique _id is the commit point; FerretDB 1.24 does not
 * apply a conditional update atomically, an insert it does). The event announcing the line rides
 * in the same insert (outbox).
 */
export interface SanctionEntryDocument {
  _id: string;
  sanctionId: string;
  userId: string;
  type: SanctionEntryType;
  kind: SanctionKind;
  /** Until when the sanction lasts; absent = until lifted. */
  until?: Date;
  /** Why it was imposed (a lift repeats the reason of what it lifts). */
  reason: string;
  /** Who imposed or lifted it. */
  by: Actor;
  at: Date;
  /** The ids of the events that announced this line (the outbox empties once they are published). */
  eventIds: string[];
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
  outboxPending?: boolean;
}

export const SANCTION_ENTRY_MODEL = 'SanctionEntry';

const actor = { _id: false, id: String, name: String, roles: [String] };

export const SanctionEntrySchema = new Schema<SanctionEntryDocument>(
  {
    _id: { type: String, required: true },
    sanctionId: { type: String, required: true },
    userId: { type: String, required: true },
    type: { type: String, required: true },
    kind: { type: String, required: true },
    until: Date,
    reason: { type: String, required: true },
    by: actor,
    at: { type: Date, required: true },
    eventIds: { type: [String], default: [] },
    ...outboxFields,
    ...pendingOutboxFields,
  },
  { collection: 'sanctions', versionKey: false },
);

// A user's sanctions: GET /users/:id, and the active sanctions of the authors under review or on a queue page.
SanctionEntrySchema.index({ userId: 1, at: 1 });
// The outbox relay's poll: entries whose events wait (see JournalOutboxStore).
SanctionEntrySchema.index({ outboxPending: 1 });
