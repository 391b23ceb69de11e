import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Actor,
  ArticleSnapshotPayload,
  CommentPolicy,
  CommentPolicyInput,
  createEvent,
  DomainError,
  ImportArticlesInput,
  PublishArticleInput,
  ThreadState,
  UpdateArticleInput,
} from '@app/contracts';
import { EventPublisher, eventMeta, OutboxRelay } from '@app/kafka';
import { ArticlesConfig } from '../articles.config';
import { ArticleDocument } from './article.schema';
import { ArticleView, toArticleView } from './article.view';
import { archiveBeforeClose, articleNotFound, concurrentUpdate, emptyUpdate, slugTaken } from './articles.errors';
import { ArticlesRepository, SlugTakenError } from './articles.repository';

export const ARTICLES_OUTBOX = Symbol('ARTICLES_OUTBOX');

/** How long an import waits for the broker to take its events before handing them to the outbox. */
const IMPORT_PUBLISH_TIMEOUT_MS = 10_000;

export interface ArticlePage {
  items: ArticleView[];
  nextCursor: string | null;
}

/** What an import did with each story of its batch. */
export interface ArticleImportView {
  imported: number;
  skipped: number;
  stories: { id: string; slug: string; result: 'imported' | 'existing' }[];
}

/** Story publishing: every change is saved together with the event that announces it. */
@Injectable()
export class ArticlesService {
  private readonly log = new Logger(ArticlesService.name);

  constructor(
    private readonly repository: ArticlesRepository,
    private readonly config: ArticlesConfig,
    @Inject(ARTICLES_OUTBOX) private readonly outbox: OutboxRelay,
    private readonly publisher: EventPublisher,
  ) {}

  async publish(input: PublishArticleInput, actor: Actor): Promise<ArticleView> {
    const id = randomUUID();
    const commentPolicy = this.resolvePolicy(input.commentPolicy);
    const fields = {
      slug: input.slug,
      title: input.title,
      byline: input.byline,
      categories: input.categories,
      tags: input.tags,
      photoCredits: input.photoCredits,
      publishedAt: input.publishedAt,
      commentPolicy,
    };
    const event = createEvent('article.published', id, snapshot(id, 1, fields), eventMeta('articles'));
    try {
      const doc = await this.repository.insert({
        _id: id,
        ...fields,
        body: input.body,
        status: 'published',
        revision: 1,
        createdBy: actor,
        updatedBy: actor,
        outbox: [event],
      });
      this.outbox.publishSoon({ id, events: doc.outbox, version: doc.updatedAt });
      return toArticleView(doc);
    } catch (error) {
      if (error instanceof SlugTakenError) throw slugTaken(input.slug);
      throw error;
    }
  }

  /**
   * Stories moved in from another system, published as given (publishedAt may be years ago: their
   * threads then open already past their deadlines and take their final state at once, see
   * docs/lifecycle.md). Idempotent by slug: a story whose slug is taken is reported `existing`
   * and left as it is. Every policy is checked before anything is stored, so a bad one refuses
   * the whole batch. The new stories are stored in one insert, and their article.published
   * events sent in one request and waited for, as readers' posts are: into the outbox only when
   * the broker does not acknowledge. Anything but a 200 means "send the batch again"; a story it
   * finds stored whose thread was never heard of is announced again then (see unannounced).
   */
  async import(input: ImportArticlesInput, actor: Actor): Promise<ArticleImportView> {
    const prepared = input.stories.map((story) => ({ story, commentPolicy: this.resolvePolicy(story.commentPolicy) }));
    const meta = eventMeta('articles');
    const candidates = prepared.map(({ story, commentPolicy }) => {
      const id = randomUUID();
      const fields = {
        slug: story.slug,
        title: story.title,
        byline: story.byline,
        categories: story.categories,
        tags: story.tags,
        photoCredits: story.photoCredits,
        publishedAt: story.publishedAt,
        commentPolicy,
      };
      return {
        _id: id,
        ...fields,
        body: story.body,
        status: 'published' as const,
        revision: 1,
        createdBy: actor,
        updatedBy: actor,
        outbox: [createEvent('article.published', id, snapshot(id, 1, fields), meta)],
      };
    });
    const inserted = await this.repository.insertMany(candidates);
    const importedSlugs = new Set(inserted.map((doc) => doc.slug));
    // Taken by an earlier import, a concurrent one, or the same slug twice in this batch.
    const existing = await this.repository.idsBySlug(candidates.filter((doc) => !importedSlugs.has(doc.slug)).map((doc) => doc.slug));
    const again = await this.repository.unannounced([...existing.values()]);
    const events = [
      ...inserted.flatMap((doc) => doc.outbox),
      ...again.map((doc) => createEvent('article.published', doc._id, snapshot(doc._id, 1, pickSnapshotFields(doc)), meta)),
    ];
    if (!(await this.publisher.publishWithin(events, IMPORT_PUBLISH_TIMEOUT_MS))) {
      this.log.warn({ msg: 'stories stored, publication left to the outbox poller', stories: inserted.length });
      // If this fails too the import fails, and sending the batch again announces them.
      await this.repository.leaveToOutbox(inserted);
    }
    const ids = new Map([...existing, ...inserted.map((doc) => [doc.slug, doc._id] as const)]);
    return {
      imported: inserted.length,
      skipped: input.stories.length - inserted.length,
      stories: input.stories.map((story) => ({
        id: ids.get(story.slug)!,
        slug: story.slug,
        result: importedSlugs.has(story.slug) ? 'imported' : 'existing',
      })),
    };
  }

  async update(id: string, input: UpdateArticleInput, actor: Actor): Promise<ArticleView> {
    const changes = Object.entries(input).filter(([, value]) => value !== undefined);
    if (!changes.length) throw emptyUpdate();
    const current = await this.load(id);
    const commentPolicy = input.commentPolicy ? this.resolvePolicy(input.commentPolicy, current.commentPolicy) : current.commentPolicy;
    const next = { ...pickSnapshotFields(current), ...Object.fromEntries(changes), commentPolicy } as ArticleDocument;
    const event = createEvent('article.updated', id, snapshot(id, current.revision + 1, next), eventMeta('articles'));
    const set: Partial<ArticleDocument> = { ...Object.fromEntries(changes), commentPolicy, updatedBy: actor };
    // Only published stories announce their changes: an unpublished one is not on the comments side.
    const events = current.status === 'published' ? [event] : [];
    const updated = await this.save(id, current.revision, set, events);
    return toArticleView(updated);
  }

  /** Takes a story off the site. Unpublishing twice is not an error and emits nothing more. */
  async unpublish(id: string, actor: Actor): Promise<ArticleView> {
    const current = await this.load(id);
    if (current.status === 'unpublished') return toArticleView(current);
    const event = createEvent('article.unpublished', id, { articleId: id, revision: current.revision + 1, unpublishedAt: new Date() }, eventMeta('articles'));
    return toArticleView(await this.save(id, current.revision, { status: 'unpublished', updatedBy: actor }, [event]));
  }

  /** Readers see published stories; editors also see unpublished ones. */
  async get(id: string, includeUnpublished: boolean): Promise<ArticleView> {
    const doc = await this.repository.findById(id);
    if (!doc || (doc.status !== 'published' && !includeUnpublished)) throw articleNotFound(id);
    return toArticleView(doc);
  }

  async list(query: { category?: string; tag?: string; cursor?: string; limit: number }): Promise<ArticlePage> {
    const docs = await this.repository.list({
      status: 'published',
      category: query.category,
      tag: query.tag,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
    });
    const page = docs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((doc) => toArticleView(doc, false)),
      nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  /** From thread.* events: what readers of the story see of its comments. Idempotent by seq. */
  recordThreadState(articleId: string, thread: { state: ThreadState; seq: number; commentCount?: number }): Promise<void> {
    return this.repository.applyThreadState(articleId, thread);
  }

  private async load(id: string): Promise<ArticleDocument> {
    const doc = await this.repository.findById(id);
    if (!doc) throw articleNotFound(id);
    return doc;
  }

  private async save(id: string, revision: number, set: Partial<ArticleDocument>, events: ReturnType<typeof createEvent>[]) {
    try {
      const updated = await this.repository.updateAtRevision(id, revision, set, events);
      if (!updated) throw concurrentUpdate(id);
      this.outbox.publishSoon({ id, events: updated.outbox, version: updated.updatedAt });
      return updated;
    } catch (error) {
      if (error instanceof SlugTakenError) throw slugTaken(String(set.slug));
      throw error;
    }
  }

  private resolvePolicy(input: CommentPolicyInput | undefined, base?: CommentPolicy): CommentPolicy {
    const policy: CommentPolicy = {
      closeAfterDays: input?.closeAfterDays ?? base?.closeAfterDays ?? this.config.COMMENTS_CLOSE_AFTER_DAYS,
      archiveAfterDays: input?.archiveAfterDays ?? base?.archiveAfterDays ?? this.config.COMMENTS_ARCHIVE_AFTER_DAYS,
      preModeration: input?.preModeration ?? base?.preModeration ?? this.config.COMMENTS_PRE_MODERATION,
    };
    if (policy.archiveAfterDays < policy.closeAfterDays) throw archiveBeforeClose(policy.closeAfterDays, policy.archiveAfterDays);
    return policy;
  }
}

type SnapshotFields = Omit<ArticleSnapshotPayload, 'articleId' | 'revision'>;

const pickSnapshotFields = (doc: ArticleDocument): SnapshotFields => ({
  slug: doc.slug,
  title: doc.title,
  byline: doc.byline,
  categories: doc.categories,
  tags: doc.tags,
  photoCredits: doc.photoCredits,
  publishedAt: doc.publishedAt,
  commentPolicy: doc.commentPolicy,
});

const snapshot = (articleId: string, revision: number, fields: SnapshotFields): ArticleSnapshotPayload => ({
  articleId,
  revision,
  ...pickSnapshotFields({ ...fields } as ArticleDocument),
});


const encodeCursor = (doc: ArticleDocument) =>
  Buffer.from(JSON.stringify([doc.publishedAt.toISOString(), doc._id])).toString('base64url');

function decodeCursor(cursor: string): { publishedAt: Date; id: string } {
  try {
    const [publishedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(publishedAt);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error();
    return { publishedAt: date, id };
  } catch {
    throw new DomainError('invalid', 'invalid_cursor', 'cursor is not one this API gave out');
  }
}
