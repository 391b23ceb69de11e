import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { JournalOutboxStore, withPendingOutbox } from '../outbox/journal-outbox.store';
import { NOTE_MODEL, NoteDocument } from './note.schema';

/** All I/O on readers' notes. */
@Injectable()
export class NotesRepository implements OnModuleInit {
  readonly outboxStore: JournalOutboxStore;

  constructor(@InjectModel(NOTE_MODEL) private readonly model: Model<NoteDocument>) {
    this.outboxStore = new JournalOutboxStore(model as never);
  }

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  async insert(note: NoteDocument): Promise<void> {
    await this.model.collection.insertOne(withPendingOutbox(note) as never);
  }

  /**
   * The newest notes of each user, and how many they have. One equality query per user (FerretDB
   * pushes an equality down to PostgreSQL's index, an $in it does not).
   */
  async latestOf(userIds: string[], limit: number): Promise<Map<string, { count: number; latest: NoteDocument[] }>> {
    const unique = [...new Set(userIds)];
    const found = await Promise.all(
      unique.map(async (userId) => {
        const [latest, count] = await Promise.all([
          this.model.find({ userId }, { outbox: 0 }).sort({ at: -1 }).limit(limit).lean<NoteDocument[]>(),
          this.model.countDocuments({ userId }),
        ]);
        return [userId, { count, latest }] as const;
      }),
    );
    return new Map(found);
  }

  /** Removes every note about a reader (their erasure); how many there were. */
  async deleteOf(userId: string): Promise<number> {
    return (await this.model.deleteMany({ userId })).deletedCount;
  }
}
