import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { EventEnvelope, ThreadState } from '@app/contracts';
import { appendToOutbox, isDuplicateKeyError, MongooseOutboxStore } from '@app/persistence';
import { ARTICLE_MODEL, ArticleDocument, ArticleStatus } from './article.schema';

export class SlugTakenError extends Error {}

export interface ArticleListQuery {
  status: ArticleStatus;
  category?: string;
  tag?: string;
  /** Exclusive: the last item of the previous page. */
  after?: { publishedAt: Date; id: string };
  limit: number;
}

/** All I/O on the articles collection. */
@Injectable()
export class ArticlesRepository {
  readonly outboxStore: MongooseOutboxStore;

  constructor(@InjectModel(ARTICLE_MODEL) private readonly model: Model<ArticleDocument>) {
    this.outboxStore = new MongooseOutboxStore(model as never);
  }

  async insert(article: Omit<ArticleDocument, 'createdAt' | 'updatedAt' | 'outboxAt'>): Promise<ArticleDocument> {
    try {
      const created = await this.model.create({ ...article, outboxAt: new Date() });
      return created.toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new SlugTakenError(article.slug);
      throw error;
    }
  }

  findById(id: string): Promise<ArticleDocument | null> {
    return this.model.findById(id, { outbox: 0 }).lean<ArticleDocument>();
  }

  findBySlug(slug: string): Promise<ArticleDocument | null> {
    return this.model.findOne({ slug }, { outbox: 0 }).lean<ArticleDocument>();
  }

  /**
   * Applies a change only if nobody changed the story since `revision` was read (optimistic
   * concurrency), together with the events announcing it. Null when the revision moved on.
   */
  async updateAtRevision(
    id: string,
    revision: number,
    set: Partial<ArticleDocument>,
    events: EventEnvelope<unknown>[],
  ): Promise<ArticleDocument | null> {
    try {
      return await this.model
        .findOneAndUpdate({ _id: id, revision }, { $set: { ...set, revision: revision + 1 }, ...appendToOutbox(events) }, { returnDocument: 'after' })
        .lean<ArticleDocument>();
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new SlugTakenError(String(set.slug));
      throw error;
    }
  }

  list(query: ArticleListQuery): Promise<ArticleDocument[]> {
    const filter: QueryFilter<ArticleDocument> = { status: query.status };
    if (query.category) filter.categories = query.category;
    if (query.tag) filter.tags = query.tag;
    if (query.after) {
      filter.$or = [
        { publishedAt: { $lt: query.after.publishedAt } },
        { publishedAt: query.after.publishedAt, _id: { $lt: query.after.id } },
      ];
    }
    return this.model
      .find(filter, { outbox: 0, body: 0 })
      .sort({ publishedAt: -1, _id: -1 })
      .limit(query.limit)
      .lean<ArticleDocument[]>();
  }

  /** Records the thread's state from a thread.* event, unless a newer one was applied already. */
  async applyThreadState(id: string, state: ThreadState, seq: number): Promise<void> {
    await this.model.updateOne(
      { _id: id, $or: [{ 'thread.seq': { $lt: seq } }, { 'thread.seq': { $exists: false } }] },
      { $set: { thread: { state, seq } } },
      { timestamps: false },
    );
  }
}
