import { Schema } from 'mongoose';
import { ErasureMode, EventEnvelope } from '@app/contracts';
import { addOutboxIndex, outboxFields } from '@app/persistence';

/**
 * A reader's erasure, one document per reader (`_id` = their login id): written first, so an
 * erasure interrupted half-way is resumed by the next call, and finished with its user.erased
 * event in its outbox. Holds nothing of the reader but the id (it is what every service, the
 * gateway included, needs to go on refusing them).
 */
export interface ErasureDocument {
  _id: string;
  erasedAt: Date;
  /** Who asked: the reader's own id, or the admin's. */
  byId: string;
  mode: ErasureMode;
  /** Set once every comment is erased and the thread counts follow. */
  done: boolean;
  comments: number;
  outbox: EventEnvelope<unknown>[];
  outboxAt?: Date;
  updatedAt?: Date;
}

export const ERASURE_MODEL = 'Erasure';

export const ErasureSchema = new Schema<ErasureDocument>(
  {
    _id: { type: String, required: true },
    erasedAt: { type: Date, required: true },
    byId: { type: String, required: true },
    mode: { type: String, required: true },
    done: { type: Boolean, required: true },
    comments: { type: Number, default: 0 },
    ...outboxFields,
  },
  { collection: 'erasures', timestamps: true, versionKey: false },
);

// The gateway's rebuild: { erasedAt: { $gte: since } } (its tokens' lifetime back).
ErasureSchema.index({ erasedAt: 1 });
addOutboxIndex(ErasureSchema);
