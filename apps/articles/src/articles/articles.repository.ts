import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { EventEnvelope, ThreadState } from '@app/contracts';
import { appendToOutbox, InsertBatcher, isDuplicateKeyError, KeyedLock, MongooseOutboxStore, pendingOutbox } from '@app/persistence';
import { ARTICLE_THREAD_MODEL, ArticleThreadDocument } from './article-thread.schema';
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

/** Seqs a thread's projection is inserted for before an update is tried: opened, closed, archived. */
const FIRST_SEQS = 3;

/** All I/O on the articles collection. */
@Injectable()
export class ArticlesRepository {
  readonly outboxStore: MongooseOutboxStore;
  /** Updates of one story in this process never overlap, the outbox cleaning's included. */
  private readonly writes = new KeyedLock();
  /**
   * First projections of threads (thread.opened, seq 1) arriving within a few milliseconds share
   * one insertMany: stories imported in bulk open their threads together, and on FerretDB a
   * batched insert costs a sixteenth of single ones (updates do not batch there).
   */
  private readonly firstThreadStates: InsertBatcher<ArticleThreadDocument & { createdAt: Date; updatedAt: Date }>;

  constructor(
    @InjectModel(ARTICLE_MODEL) private readonly model: Model<ArticleDocument>,
    @InjectModel(ARTICLE_THREAD_MODEL) private readonly threads: Model<ArticleThreadDocument>,
  ) {
    this.outboxStore = new MongooseOutboxStore(model as never, undefined, this.writes);
    this.firstThreadStates = new InsertBatcher((docs) => this.threads.collection.insertMany(docs as never[], { ordered: false }), {
      lingerMs: 2,
      maxBatch: 200,
    });
  }

  async insert(article: Omit<ArticleDocument, 'createdAt' | 'updatedAt' | 'outboxAt'>): Promise<ArticleDocument> {
    try {
      const created = await this.model.create({ ...article, ...pendingOutbox() });
      return created.toObject() as ArticleDocument;
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new SlugTakenError(article.slug);
      throw error;
    }
  }

  /**
   * Stores new stories in one insertMany, without their events: the importer publishes those
   * itself and, only when the broker does not acknowledge, hands them to the outbox
   * (leaveToOutbox). Clearing 250 outboxes again cost a bulk of 250 updates per batch, and on
   * FerretDB updates do not batch. Answers the stories stored, events included; the ones whose
   * slug is taken are left out.
   */
  async insertMany(articles: Omit<ArticleDocument, 'createdAt' | 'updatedAt' | 'outboxAt'>[]): Promise<ArticleDocument[]> {
    if (!articles.length) return [];
    const now = new Date();
    const stored = articles.map((article) => ({ ...article, createdAt: now, updatedAt: now }) as ArticleDocument);
    try {
      // The driver's insertMany: one round trip; with ordered: false every story is tried.
      await this.model.collection.insertMany(stored.map((article) => ({ ...article, outbox: [] })) as never[], { ordered: false });
      return stored;
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }).writeErrors;
      const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (!errors.length || errors.some((e) => e.code !== 11000)) throw error;
      const failed = new Set(errors.map((e) => e.index));
      return stored.filter((_, index) => !failed.has(index));
    }
  }

  /** Events the broker did not acknowledge in time go into their stories' outboxes, for the relay's poller. */
  async leaveToOutbox(articles: Pick<ArticleDocument, '_id' | 'outbox'>[]): Promise<void> {
    await Promise.all(
      articles.map(({ _id, outbox }) =>
        this.writes.run(_id, () => this.model.updateOne({ _id, outboxPending: { $ne: true } }, appendToOutbox({ $set: {} }, outbox))),
      ),
    );
  }

  /**
   * The stories among `slugs` that exist, by slug (ids only): one query per slug, by the unique
   * index (FerretDB evaluates `slug: { $in }` by reading the whole collection, and an archive
   * moved in holds tens of thousands). Asked only for slugs an insert found taken.
   */
  async idsBySlug(slugs: string[]): Promise<Map<string, string>> {
    const docs = await Promise.all(
      [...new Set(slugs)].map((slug) => this.model.findOne({ slug }, { _id: 1, slug: 1 }).lean<Pick<ArticleDocument, '_id' | 'slug'>>()),
    );
    return new Map(docs.flatMap((doc) => (doc ? [[doc.slug, doc._id] as const] : [])));
  }

  /**
   * Of these stories, the ones still at their first revision, published, whose thread nobody has
   * heard of: an import stored them, and their announcement may have been lost (the process died
   * before the broker acknowledged). Read only for stories an import found existing.
   */
  async unannounced(ids: string[]): Promise<ArticleDocument[]> {
    const found = await Promise.all(
      ids.map(async (id) => ((await this.threads.exists({ _id: id })) ? null : this.model.findById(id, { outbox: 0 }).lean<ArticleDocument>())),
    );
    return found.filter((doc): doc is ArticleDocument => doc !== null && doc.revision === 1 && doc.status === 'published');
  }

  async findById(id: string): Promise<ArticleDocument | null> {
    // The story and its thread's projection at once: two round trips side by side, not one after the other.
    const [doc, thread] = await Promise.all([
      this.model.findById(id, { outbox: 0 }).lean<ArticleDocument>(),
      this.threads.findById(id).lean<ArticleThreadDocument>(),
    ]);
    return doc && withThread(doc, thread);
  }

  async findBySlug(slug: string): Promise<ArticleDocument | null> {
    const [doc] = await this.withThreads([await this.model.findOne({ slug }, { outbox: 0 }).lean<ArticleDocument>()]);
    return doc ?? null;
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
      const updated = await this.writes.run(id, () =>
        this.model
          .findOneAndUpdate({ _id: id, revision }, appendToOutbox({ $set: { ...set, revision: revision + 1 } }, events), { returnDocument: 'after' })
          .lean<ArticleDocument>(),
      );
      return updated && (await this.withThreads([updated]))[0]!;
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new SlugTakenError(String(set.slug));
      throw error;
    }
  }

  async list(query: ArticleListQuery): Promise<ArticleDocument[]> {
    const filter: QueryFilter<ArticleDocument> = { status: query.status };
    if (query.category) filter.categories = query.category;
    if (query.tag) filter.tags = query.tag;
    if (query.after) {
      filter.$or = [
        { publishedAt: { $lt: query.after.publishedAt } },
        { publishedAt: query.after.publishedAt, _id: { $lt: query.after.id } },
      ];
    }
    const docs = await this.model
      .find(filter, { outbox: 0, body: 0 })
      .sort({ publishedAt: -1, _id: -1 })
      .limit(query.limit)
      .lean<ArticleDocument[]>();
    return (await this.withThreads(docs)).filter((doc): doc is ArticleDocument => doc !== null);
  }

  /**
   * Records the thread's state and count from a thread.* event, unless one with a newer seq was
   * applied already. An event without a count (recorded before counts existed) keeps the stored
   * one. The events of one story arrive in order on one partition, handled one at a time.
   */
  async applyThreadState(id: string, thread: { state: ThreadState; seq: number; commentCount?: number }): Promise<void> {
    const set = { state: thread.state, seq: thread.seq, ...(thread.commentCount !== undefined ? { commentCount: thread.commentCount } : {}) };
    // A thread's first events find no projection, unless delivered before: an insert first
    // (batched), and when refused as a duplicate the conditional update below. A story moved in
    // past its deadlines opens, closes and archives at once (seq 1 to 3), and its consumer applies
    // only the newest of them (OnEventNewest), so its first event seen may be seq 3.
    if (thread.seq <= FIRST_SEQS) {
      const now = new Date();
      if (await this.firstThreadStates.insert({ _id: id, commentCount: 0, ...set, createdAt: now, updatedAt: now })) return;
      if (thread.seq === 1) return;
    }
    const updated = await this.threads.updateOne({ _id: id, seq: { $lt: thread.seq } }, { $set: set });
    if (updated.matchedCount) return;
    try {
      await this.threads.create({ _id: id, commentCount: 0, ...set });
    } catch (error) {
      // A projection with this seq or a newer one is stored already.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Joins each story with what the comments side announced of its thread: one read by _id per
   * story (at most a page of them), since FerretDB reads the whole collection for `_id: { $in }`.
   */
  private async withThreads(docs: (ArticleDocument | null)[]): Promise<(ArticleDocument | null)[]> {
    const ids = docs.flatMap((doc) => (doc ? [doc._id] : []));
    if (!ids.length) return docs;
    const threads = (await Promise.all(ids.map((id) => this.threads.findById(id).lean<ArticleThreadDocument>()))).filter(
      (thread): thread is ArticleThreadDocument => thread !== null,
    );
    const byId = new Map(threads.map((thread) => [thread._id, thread]));
    return docs.map((doc) => doc && withThread(doc, byId.get(doc._id)));
  }
}

const withThread = (doc: ArticleDocument, thread: ArticleThreadDocument | null | undefined): ArticleDocument =>
  thread ? { ...doc, thread: { state: thread.state, commentCount: thread.commentCount ?? 0 } } : doc;
