import { Schema } from 'mongoose';
import { SanctionKind } from '@app/contracts';

/** A sanction as moderation announced it; kept here so posting can be refused without asking. */
export interface ReaderSanction {
  sanctionId: string;
  kind: SanctionKind;
  until?: Date;
  reason: string;
  lifted: boolean;
  /** When a moderator gave it (warnings show it). */
  at?: Date;
}

/** What the comments service knows of a reader: the sanctions in force or once in force. */
export interface ReaderDocument {
  _id: string;
  sanctions: ReaderSanction[];
}

export const READER_MODEL = 'Reader';

export const ReaderSchema = new Schema<ReaderDocument>(
  {
    _id: { type: String, required: true },
    sanctions: { type: [{ _id: false, sanctionId: String, kind: String, until: Date, reason: String, lifted: Boolean, at: Date }], default: [] },
  },
  { collection: 'readers', timestamps: true, versionKey: false },
);
