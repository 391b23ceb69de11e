import { Inject, Injectable, Logger } from '@nestjs/common';
import { Actor, CommentStatusChangedPayload, createEvent, EventEnvelope } from '@app/contracts';
import { eventMeta, OutboxRelay } from '@app/kafka';
import { CommentsConfig } from '../comments.config';
import { CommentRecord, CommentsRepository } from '../comments/comments.repository';
import { COMMENTS_OUTBOX } from '../comments/comments.service';
import { ThreadReadModel } from '../comments/thread-read.model';
import { ThreadsService } from '../threads/threads.service';
import { CommentErasure, ERASED_REASON, erasureOrder, planErasure } from './erasure.rules';
import { alreadyErased, erasureInterrupted, notYourData } from './reader-data.errors';
import { ReaderDataRepository } from './reader-data.repository';
import { ErasureView, ReaderDataView, toDownloaded } from './reader-data.view';

export const ERASURES_OUTBOX = Symbol('ERASURES_OUTBOX');

/** How long an erasure waits for the broker to take its user.erased before answering anyway (it is stored). */
const ERASED_PUBLISH_TIMEOUT_MS = 10_000;
/** The most erasures the gateway's rebuild reads at once (it pages by erasedAt). */
const ERASURES_PAGE = 5_000;

/** A reader's own data: their download, and their erasure (by them, or by an admin for them). */
@Injectable()
export class ReaderDataService {
  private readonly log = new Logger(ReaderDataService.name);

  constructor(
    private readonly repository: ReaderDataRepository,
    private readonly comments: CommentsRepository,
    private readonly threads: ThreadsService,
    private readonly readModel: ThreadReadModel,
    private readonly config: CommentsConfig,
    @Inject(COMMENTS_OUTBOX) private readonly commentsOutbox: OutboxRelay,
    @Inject(ERASURES_OUTBOX) private readonly erasuresOutbox: OutboxRelay,
  ) {}

  /** Every comment the reader wrote, in every status, with its story and times. */
  async download(userId: string, actor: Actor): Promise<ReaderDataView> {
    assertMayAct(userId, actor);
    const [comments, erasure] = await Promise.all([this.comments.byAuthor(userId), this.repository.find(userId)]);
    const stories = new Map<string, { title?: string; slug?: string } | null>();
    for (const articleId of new Set(comments.map((comment) => comment.articleId))) {
      stories.set(articleId, await this.threads.findRecent(articleId).catch(() => null));
    }
    return {
      format: 'reader-data/v1',
      userId,
      exportedAt: new Date().toISOString(),
      erasedAt: erasure?.erasedAt.toISOString() ?? null,
      names: [...new Set(comments.map((comment) => comment.author.name))],
      comments: comments.map((comment) => toDownloaded(comment, stories.get(comment.articleId) ?? null)),
    };
  }

  /**
   * Erases the reader: the erasure is recorded first (so one interrupted is resumed by the next
   * call), each comment is removed or anonymised with its event on its story, each story touched
   * is recounted, and user.erased leaves with the finished record (outbox). 409 once finished.
   */
  async erase(userId: string, actor: Actor): Promise<ErasureView> {
    assertMayAct(userId, actor);
    const erasure = await this.repository.begin({ _id: userId, erasedAt: new Date(), byId: actor.id, mode: this.config.COMMENTS_ERASURE_MODE });
    if (erasure.done) throw alreadyErased(userId);
    const stories = new Set<string>();
    let changed = 0;
    for (const comment of erasureOrder(await this.comments.byAuthor(userId))) {
      const removes = comment.status !== 'deleted' && (erasure.mode === 'remove' || comment.status !== 'approved');
      const hasReplies = removes && (await this.comments.countVisibleReplies(comment._id)) > 0;
      const plan = planErasure(comment, erasure.mode, hasReplies);
      const events = plan.event ? [await this.eventFor(comment, plan, actor)] : [];
      const saved = await this.comments.updateIf(comment._id, { revision: comment.revision ?? 1, status: comment.status }, plan.set, events);
      if (!saved) throw erasureInterrupted(userId);
      changed++;
      if (plan.event || plan.countMoved) stories.add(comment.articleId);
      this.readModel.applied(saved, events.map((event) => event.id));
      this.commentsOutbox.publishSoon({ id: saved._id, events: saved.outbox, version: saved.updatedAt });
    }
    for (const articleId of stories) await this.threads.recount(articleId, () => this.comments.countApproved(articleId));
    const event = createEvent('user.erased', userId, { userId, mode: erasure.mode, comments: changed, by: actor, erasedAt: erasure.erasedAt }, eventMeta('comments'));
    const finished = await this.repository.finish(userId, changed, [event]);
    if (!finished) throw alreadyErased(userId);
    await this.erasuresOutbox.publishNow({ id: userId, events: finished.outbox, version: finished.updatedAt }, ERASED_PUBLISH_TIMEOUT_MS);
    this.log.log({ msg: 'erased a reader', userId, by: actor.id, mode: erasure.mode, comments: changed, stories: stories.size });
    return { userId, erasedAt: erasure.erasedAt.toISOString(), mode: erasure.mode, comments: changed, stories: stories.size };
  }

  /** Erasures since a moment (the gateway rebuilds its refusals from these at every start and rejoin). */
  async erasuresSince(since: Date): Promise<{ erasures: { userId: string; erasedAt: string }[] }> {
    const found = await this.repository.since(since, ERASURES_PAGE);
    return { erasures: found.map((erasure) => ({ userId: erasure._id, erasedAt: erasure.erasedAt.toISOString() })) };
  }

  private async eventFor(comment: CommentRecord, plan: CommentErasure, actor: Actor): Promise<EventEnvelope<unknown>> {
    const thread = await this.threads.findRecent(comment.articleId).catch(() => null);
    const count = Math.max(0, (thread?.commentCount ?? 0) - (plan.countMoved ? 1 : 0));
    const status = plan.event === 'comment.approved' ? 'approved' : 'deleted';
    const payload: CommentStatusChangedPayload = {
      commentId: comment._id,
      articleId: comment.articleId,
      status,
      revision: comment.revision ?? 1,
      reason: status === 'approved' ? (comment.statusReason ?? 'approved') : ERASED_REASON,
      by: actor,
      commentCount: count,
      at: new Date(),
      erased: true,
    };
    return createEvent(plan.event!, comment.articleId, payload, eventMeta('comments'));
  }
}

function assertMayAct(userId: string, actor: Actor): void {
  if (actor.id !== userId && !actor.roles.includes('admin')) throw notYourData();
}
