import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '@app/persistence';
import { READER_MODEL, ReaderDocument, ReaderSanction } from './reader.schema';

/** All I/O on the readers collection. */
@Injectable()
export class ReadersRepository {
  constructor(@InjectModel(READER_MODEL) private readonly model: Model<ReaderDocument>) {}

  findById(id: string): Promise<ReaderDocument | null> {
    return this.model.findById(id).lean<ReaderDocument>();
  }

  /**
   * Every reader with a sanction, ever (the collection holds no one else): one query, a whole
   * collection read, which FerretDB serves without decoding filters. Sized for thousands.
   */
  findAll(): Promise<ReaderDocument[]> {
    return this.model.find({}, { sanctions: 1 }).lean<ReaderDocument[]>();
  }

  /**
   * Records a sanction once: a redelivered user.sanctioned finds its sanctionId already there.
   * (Upsert with a "not already there" filter would collide on _id, hence insert-or-push.)
   */
  async addSanction(readerId: string, sanction: ReaderSanction): Promise<void> {
    const pushed = await this.model.updateOne(
      { _id: readerId, 'sanctions.sanctionId': { $ne: sanction.sanctionId } },
      { $push: { sanctions: sanction } },
    );
    if (pushed.matchedCount) return;
    try {
      await this.model.create({ _id: readerId, sanctions: [sanction] });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Marks a sanction lifted by rewriting the reader's list (FerretDB lacks positional updates on
   * filters). A lift for a sanction not (yet) known here is kept as a tombstone, the sanction
   * recorded as lifted: its ban event may still arrive (a poller's republish, a producer retry),
   * and addSanction then finds the sanction id there and changes nothing. Dropping the lift left
   * that reader banned for good.
   */
  async liftSanction(readerId: string, lifted: ReaderSanction): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const reader = await this.findById(readerId);
      if (reader?.sanctions.some((s) => s.sanctionId === lifted.sanctionId)) {
        if (reader.sanctions.every((s) => s.sanctionId !== lifted.sanctionId || s.lifted)) return;
        const sanctions = reader.sanctions.map((s) => (s.sanctionId === lifted.sanctionId ? { ...s, lifted: true } : s));
        await this.model.updateOne({ _id: readerId }, { $set: { sanctions } });
        return;
      }
      await this.addSanction(readerId, { ...lifted, lifted: true });
      // The ban itself may have landed between the read and the push (then the push did nothing): read again.
    }
  }
}
