import { Inject, Injectable } from '@nestjs/common';
import {
  ArticlePublishedPayload,
  ArticleSnapshotPayload,
  ArticleUnpublishedPayload,
  createEvent,
  EventType,
  ThreadChangedPayload,
  ThreadChangeReason,
} from '@app/contracts';
import { eventMeta, OutboxRelay } from '@app/kafka';
import { scheduleFor } from './thread.rules';
import { ThreadDocument } from './thread.schema';
import { ThreadView, toThreadView } from './thread.view';
import { threadNotFound, ThreadChangedMeanwhile } from './threads.errors';
import { ThreadsRepository } from './threads.repository';

export const THREADS_OUTBOX = Symbol('THREADS_OUTBOX');

type ThreadEventType = Extract<EventType, `thread.${string}`>;

/** The thread lifecycle, driven by the story's events. */
@Injectable()
export class ThreadsService {
  constructor(
    private readonly repository: ThreadsRepository,
    @Inject(THREADS_OUTBOX) private readonly outbox: OutboxRelay,
  ) {}

  /** A published story gets its thread. Idempotent: a thread that exists is left as it is. */
  async open(article: ArticlePublishedPayload): Promise<void> {
    const now = new Date();
    const schedule = scheduleFor(article.publishedAt, article.commentPolicy);
    const thread: ThreadDocument = {
      _id: article.articleId,
      state: 'open',
      seq: 1,
      articleRevision: article.revision,
      slug: article.slug,
      title: article.title,
      publishedAt: article.publishedAt,
      policy: article.commentPolicy,
      ...schedule,
      stateChangedAt: now,
      outbox: [],
    };
    const event = this.event('thread.opened', thread, 'published');
    if (await this.repository.insertIfAbsent({ ...thread, outbox: [event] })) {
      this.outbox.publishSoon({ id: thread._id, events: [event] });
    }
  }

  /** A story's new snapshot moves the thread's deadlines. Older or repeated snapshots are ignored. */
  async applyUpdate(article: ArticleSnapshotPayload): Promise<void> {
    const thread = await this.repository.findById(article.articleId);
    if (!thread) return this.open(article);
    if (article.revision <= thread.articleRevision) return;
    const schedule = scheduleFor(article.publishedAt, article.commentPolicy);
    const moved = schedule.closesAt.getTime() !== thread.closesAt.getTime() || schedule.archivesAt.getTime() !== thread.archivesAt.getTime();
    const next: ThreadDocument = {
      ...thread,
      articleRevision: article.revision,
      slug: article.slug,
      title: article.title,
      publishedAt: article.publishedAt,
      policy: article.commentPolicy,
      ...schedule,
      seq: moved ? thread.seq + 1 : thread.seq,
    };
    await this.save(thread, next, moved ? [this.event('thread.rescheduled', next, 'rescheduled')] : []);
  }

  /** An unpublished story's thread is hidden: no reads, no new comments. */
  async hide(article: ArticleUnpublishedPayload): Promise<void> {
    const thread = await this.repository.findById(article.articleId);
    if (!thread || article.revision <= thread.articleRevision) return;
    const next: ThreadDocument = { ...thread, articleRevision: article.revision, state: 'hidden', seq: thread.seq + 1, stateChangedAt: new Date() };
    await this.save(thread, next, [this.event('thread.hidden', next, 'unpublished')]);
  }

  async read(articleId: string): Promise<ThreadView> {
    const thread = await this.repository.findById(articleId);
    if (!thread || thread.state === 'hidden') throw threadNotFound(articleId);
    return toThreadView(thread);
  }

  private async save(current: ThreadDocument, next: ThreadDocument, events: ReturnType<ThreadsService['event']>[]) {
    const { _id, outbox: _outbox, outboxAt: _outboxAt, ...set } = next;
    const saved = await this.repository.updateAtSeq(_id, current.seq, set, events);
    if (!saved) throw new ThreadChangedMeanwhile(_id);
    this.outbox.publishSoon({ id: _id, events: saved.outbox });
  }

  private event(type: ThreadEventType, thread: ThreadDocument, reason: ThreadChangeReason) {
    const payload: ThreadChangedPayload = {
      articleId: thread._id,
      seq: thread.seq,
      state: thread.state,
      reason,
      closesAt: thread.closesAt,
      archivesAt: thread.archivesAt,
      changedAt: new Date(),
    };
    return createEvent(type, thread._id, payload, eventMeta('comments'));
  }
}
