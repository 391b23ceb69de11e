import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '@app/persistence';
import { JournalOutboxStore, withPendingOutbox } from '../outbox/journal-outbox.store';
import { SANCTION_ENTRY_MODEL, SanctionEntryDocument, SanctionEntryType } from './sanction.schema';

/** All I/O on the sanctions journal. */
@Injectable()
export class SanctionsRepository implements OnModuleInit {
  readonly outboxStore: JournalOutboxStore;

  constructor(@InjectModel(SANCTION_ENTRY_MODEL) private readonly model: Model<SanctionEntryDocument>) {
    this.outboxStore = new JournalOutboxStore(model as never);
  }

  /** The indexes must exist before the first lookup relies on them. */
  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Records a journal line with its events; false when that line exists already (the commit point). */
  async insert(entry: SanctionEntryDocument): Promise<boolean> {
    try {
      await this.model.collection.insertOne(withPendingOutbox(entry) as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Both lines a sanction can have (by _id). */
  ofSanction(sanctionId: string): Promise<SanctionEntryDocument[]> {
    const ids = (['imposed', 'lifted'] as SanctionEntryType[]).map((type) => `${sanctionId}:${type}`);
    return this.model.find({ _id: { $in: ids } }, { outbox: 0 }).lean<SanctionEntryDocument[]>();
  }

  /**
   * The whole journal but the events (one query: a read of the whole collection, which FerretDB
   * serves without decoding filters). Sized for sanctions in the thousands.
   */
  findAll(): Promise<SanctionEntryDocument[]> {
    return this.model.find({}, { outbox: 0 }).lean<SanctionEntryDocument[]>();
  }

  /**
   * Every line about these users (served by { userId, at }). One equality query per user: FerretDB
   * pushes an equality down to PostgreSQL's index, an $in it does not (it would read every line).
   */
  async ofUsers(userIds: string[]): Promise<SanctionEntryDocument[]> {
    const perUser = await Promise.all(
      [...new Set(userIds)].map((userId) => this.model.find({ userId }, { outbox: 0 }).sort({ at: 1 }).lean<SanctionEntryDocument[]>()),
    );
    return perUser.flat();
  }
}
