import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { appendToOutbox, isDuplicateKeyError, KeyedLock, MongooseOutboxStore } from '@app/persistence';
import { ERASURE_MODEL, ErasureDocument } from './erasure.schema';

/** All I/O on the erasures collection. */
@Injectable()
export class ReaderDataRepository implements OnModuleInit {
  readonly outboxStore: MongooseOutboxStore;
  private readonly writes = new KeyedLock();

  constructor(@InjectModel(ERASURE_MODEL) private readonly model: Model<ErasureDocument>) {
    this.outboxStore = new MongooseOutboxStore(model as never, undefined, this.writes);
  }

  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  /** Records that the reader is being erased; the erasure already recorded (finished or not) when there is one. */
  async begin(erasure: Omit<ErasureDocument, 'outbox' | 'done' | 'comments'>): Promise<ErasureDocument> {
    const now = new Date();
    const doc = { ...erasure, done: false, comments: 0, outbox: [], createdAt: now, updatedAt: now };
    try {
      await this.model.collection.insertOne(doc as never);
      return doc;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.find(erasure._id);
      if (!existing) throw error;
      return existing;
    }
  }

  find(userId: string): Promise<ErasureDocument | null> {
    return this.model.findById(userId).lean<ErasureDocument>();
  }

  /** Marks the erasure finished, with its user.erased event; null when it was finished already. */
  finish(userId: string, comments: number, events: EventEnvelope<unknown>[]): Promise<ErasureDocument | null> {
    const update = appendToOutbox({ $set: { done: true, comments } }, events);
    return this.writes.run(userId, () =>
      this.model.findOneAndUpdate({ _id: userId, done: false }, update, { returnDocument: 'after' }).lean<ErasureDocument>(),
    );
  }

  /** Erasures since a moment, oldest first: the gateway's store is rebuilt from these. */
  since(at: Date, limit: number): Promise<Pick<ErasureDocument, '_id' | 'erasedAt'>[]> {
    return this.model.find({ erasedAt: { $gte: at } }, { erasedAt: 1 }).sort({ erasedAt: 1 }).limit(limit).lean<Pick<ErasureDocument, '_id' | 'erasedAt'>[]>();
  }
}
