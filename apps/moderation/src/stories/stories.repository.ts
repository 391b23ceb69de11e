import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { InsertBatcher, isDuplicateKeyError } from '@app/persistence';
import { STORY_MODEL, StoryDocument } from './story.schema';

/** All I/O on the stories collection. */
@Injectable()
export class StoriesRepository {
  /**
   * A story's first revision is almost always new here: inserted first, and stories published
   * together (an archive moved in) share one insert (batched inserts cost a sixteenth of single
   * ones on FerretDB; the update that used to come first never matched for them).
   */
  private readonly firstRevisions: InsertBatcher<StoryDocument>;

  constructor(@InjectModel(STORY_MODEL) private readonly model: Model<StoryDocument>) {
    this.firstRevisions = new InsertBatcher((docs) => this.model.collection.insertMany(docs as never[], { ordered: false }), { lingerMs: 2, maxBatch: 200 });
  }

  /**
   * Stores the story's state as of `revision`, unless a newer revision is stored already. An
   * upsert on (_id, revision < new) would collide on _id when the stored one is newer, so:
   * update if older, else insert, and a duplicate on insert means newer-or-same is stored.
   */
  async saveRevision(story: StoryDocument): Promise<void> {
    const { _id, ...fields } = story;
    if (story.revision === 1 && (await this.firstRevisions.insert({ ...story, createdAt: new Date(), updatedAt: new Date() } as StoryDocument))) return;
    const updated = await this.model.updateOne({ _id, revision: { $lt: story.revision } }, { $set: fields });
    if (updated.matchedCount) return;
    try {
      await this.model.create(story);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  findById(id: string): Promise<StoryDocument | null> {
    return this.model.findById(id).lean<StoryDocument>();
  }

  /** Stories whose categories include this one (served by { categories }). */
  async idsInCategory(category: string): Promise<string[]> {
    const docs = await this.model.find({ categories: category }, { _id: 1 }).lean<{ _id: string }[]>();
    return docs.map((doc) => doc._id);
  }

  /** The stories of a queue page (by _id only: no other index). */
  findMany(ids: string[]): Promise<StoryDocument[]> {
    return ids.length ? this.model.find({ _id: { $in: ids } }).lean<StoryDocument[]>() : Promise.resolve([]);
  }
}
