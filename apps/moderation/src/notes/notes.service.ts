import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor, createEvent, NoteInput, UserNotedPayload } from '@app/contracts';
import { eventMeta, OutboxRelay } from '@app/kafka';
import { NoteDocument } from './note.schema';
import { NotesRepository } from './notes.repository';

export const NOTES_OUTBOX = Symbol('NOTES_OUTBOX');

/** A note as moderators see it. */
export interface NoteView {
  id: string;
  text: string;
  by: { id: string; name: string };
  at: string;
}

/** What the queue shows beside an author: how many notes, and the newest. */
export interface NotesSummary {
  count: number;
  latest: NoteView[];
}

/** Notes shown beside each queue item (the record shows up to RECORD_NOTES). */
export const QUEUE_NOTES = 3;
export const RECORD_NOTES = 100;

const view = (note: NoteDocument): NoteView => ({ id: note._id, text: note.text, by: { id: note.by.id, name: note.by.name }, at: note.at.toISOString() });

/**
 * Moderators' notes on readers ("third warning about off-topic posts"): visible in the reader's
 * record and beside their queue items; each is an insert with its user.noted event (audited and
 * evented), never edited or removed.
 */
@Injectable()
export class NotesService {
  constructor(
    private readonly repository: NotesRepository,
    @Inject(NOTES_OUTBOX) private readonly outbox: OutboxRelay,
  ) {}

  async add(userId: string, input: NoteInput, moderator: Actor): Promise<NoteView> {
    const payload: UserNotedPayload = { userId, noteId: randomUUID(), text: input.text, by: moderator, at: new Date() };
    const events = [createEvent('user.noted', userId, payload, eventMeta('moderation'))];
    const note: NoteDocument = { _id: payload.noteId, userId, text: payload.text, by: moderator, at: payload.at, eventIds: events.map((e) => e.id), outbox: events };
    await this.repository.insert(note);
    this.outbox.publishSoon({ id: note._id, events });
    return view(note);
  }

  async summaries(userIds: string[], limit = QUEUE_NOTES): Promise<Map<string, NotesSummary>> {
    const found = await this.repository.latestOf(userIds, limit);
    return new Map([...found].map(([userId, { count, latest }]) => [userId, { count, latest: latest.map(view) }]));
  }

  /** The reader was erased: moderators' notes about them go (their decisions and sanctions stay). */
  forget(userId: string): Promise<number> {
    return this.repository.deleteOf(userId);
  }
}
