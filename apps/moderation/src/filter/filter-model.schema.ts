import { Schema } from 'mongoose';
import { Label } from './filter.classifier';

/** Precision and recall of "reject" at a threshold, on the held-out share of the journal. */
export interface HeldOutFigures {
  threshold: number;
  precision: number;
  recall: number;
  flagged: number;
}

/**
 * One trained version of our filter. Insert-only: `_id` is the version, so two instances training
 * at the same moment cannot both publish version N (the second insert is refused). The model is
 * kept as JSON text: its feature keys (words, character n-grams) are not all valid field names.
 */
export interface FilterModelDocument {
  _id: number;
  trainedAt: Date;
  examples: Record<Label, number>;
  /** Measured before training on everything: trained on 75% of the examples, tested on the rest. */
  heldOut: { train: number; test: number; at: HeldOutFigures[] };
  /** Features kept (those seen at least twice: the rest barely move a score and double the size). */
  vocabulary: number;
  model: string;
}

export const FILTER_MODEL = 'FilterModel';

export const FilterModelSchema = new Schema<FilterModelDocument>(
  {
    _id: { type: Number, required: true },
    trainedAt: { type: Date, required: true },
    examples: Schema.Types.Mixed,
    heldOut: Schema.Types.Mixed,
    vocabulary: Number,
    model: { type: String, required: true },
  },
  { collection: 'filter_models', versionKey: false },
);
