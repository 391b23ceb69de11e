import { Schema } from 'mongoose';
import { Actor, EventEnvelope } from '@app/contracts';
import { outboxFields } from '@app/persistence';
import { pendingOutboxFields } from '../outbox/journal-outbox.store';

/**
 * A moderator's note on a reader: who wrote it, when, what. Insert-only (a note is part of the
 * audit trail, never edited); the user.noted event rides in the same insert (outbox).
 */
export interface NoteDocument {
  _id: string;
  userId: string;
  text: string;
  by: Actor;
  at: Date;
  eventIds: string[];
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
  outboxPending?: boolean;
}

export const NOTE_MODEL = 'ReaderNote';

export const NoteSchema = new Schema<NoteDocument>(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    text: { type: String, required: true },
    by: { _id: false, id: String, name: String, roles: [String] },
    at: { type: Date, required: true },
    eventIds: { type: [String], default: [] },
    ...outboxFields,
    ...pendingOutboxFields,
  },
  { collection: 'reader_notes', versionKey: false },
);

// A reader's notes, newest first: their record and the queue items beside them.
NoteSchema.index({ userId: 1, at: -1 });
// The outbox relay's poll (see JournalOutboxStore).
NoteSchema.index({ outboxPending: 1 });
