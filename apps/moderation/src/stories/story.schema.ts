import { Schema } from 'mongoose';

/**
 * What moderation knows of a story, from the story's events: enough to show it in the queue
 * and to apply its pre-moderation policy, without ever asking the articles service.
 */
export interface StoryDocument {
  _id: string;
  revision: number;
  slug: string;
  title: string;
  preModeration: boolean;
  published: boolean;
  /** Its "Posted to" categories: the sections of the queue it belongs to. */
  categories?: string[];
}

export const STORY_MODEL = 'Story';

export const StorySchema = new Schema<StoryDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    slug: String,
    title: String,
    preModeration: Boolean,
    published: Boolean,
    categories: { type: [String], default: undefined },
  },
  { collection: 'stories', timestamps: true, versionKey: false },
);

// A section's stories (GET /queue?category=).
StorySchema.index({ categories: 1 });
