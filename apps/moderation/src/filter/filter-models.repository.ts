import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { isDuplicateKeyError } from '@app/persistence';
import { FILTER_MODEL, FilterModelDocument } from './filter-model.schema';

/** All I/O on the trained filter's versions. */
@Injectable()
export class FilterModelsRepository {
  constructor(@InjectModel(FILTER_MODEL) private readonly model: Model<FilterModelDocument>) {}

  /** The newest version's number (a read of ids only), or 0. */
  async latestVersion(): Promise<number> {
    const doc = await this.model.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean<{ _id: number }>();
    return doc?._id ?? 0;
  }

  findVersion(version: number): Promise<FilterModelDocument | null> {
    return this.model.findById(version).lean<FilterModelDocument>();
  }

  /** Stores a version; false when that version exists already (another instance trained first). */
  async insert(doc: FilterModelDocument): Promise<boolean> {
    try {
      await this.model.collection.insertOne(doc as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
