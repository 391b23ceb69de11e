import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EventEnvelope } from '@app/contracts';
import { appendToOutbox, isDuplicateKeyError, MongooseOutboxStore } from '@app/persistence';
import { THREAD_MODEL, ThreadDocument } from './thread.schema';

/** All I/O on the threads collection. */
@Injectable()
export class ThreadsRepository {
  readonly outboxStore: MongooseOutboxStore;

  constructor(@InjectModel(THREAD_MODEL) private readonly model: Model<ThreadDocument>) {
    this.outboxStore = new MongooseOutboxStore(model as never);
  }

  /** Creates the thread with its events; false when it exists already (a redelivered event). */
  async insertIfAbsent(thread: Omit<ThreadDocument, 'outboxAt'>): Promise<boolean> {
    try {
      await this.model.create({ ...thread, outboxAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  findById(id: string): Promise<ThreadDocument | null> {
    return this.model.findById(id, { outbox: 0 }).lean<ThreadDocument>();
  }

  /**
   * Changes the thread only if it is still at `seq` (nobody else changed it meanwhile), with the
   * events announcing the change. Null when it moved on.
   */
  updateAtSeq(id: string, seq: number, set: Partial<ThreadDocument>, events: EventEnvelope<unknown>[]): Promise<ThreadDocument | null> {
    const update = events.length ? { $set: set, ...appendToOutbox(events) } : { $set: set };
    return this.model.findOneAndUpdate({ _id: id, seq }, update, { returnDocument: 'after' }).lean<ThreadDocument>();
  }
}
