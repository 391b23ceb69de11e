import { Inject, Injectable } from '@nestjs/common';
import {
  Actor,
  CommentStatusChange,
  CommentSubmittedPayload,
  createEvent,
  DomainError,
  EditCommentInput,
  EventType,
  ModerationDecidedPayload,
  SubmitCommentInput,
} from '@app/contracts';
import { EventEnvelope } from '@app/contracts';
import { EventPublisher, eventMeta, OutboxRelay } from '@app/kafka';
import { CommentsConfig } from '../comments.config';
import { CommentDocument } from '../comments/comment.schema';
import { CommentRecord, CommentsRepository } from '../comments/comments.repository';
import { ThreadReadModel } from '../comments/thread-read.model';
import { COMMENTS_OUTBOX } from '../comments/comments.service';
import { PostingWarning, ReadersService } from '../readers/readers.service';
import { canAcceptComments } from '../threads/thread.rules';
import { threadNotFound } from '../threads/threads.errors';
import { ThreadsService } from '../threads/threads.service';
import { commentIdFor, reviewEventId } from './comment-id';
import { SubmissionBatcher } from './submission.batcher';
import {
  commentChangedMeanwhile,
  commentNotFound,
  editWindowClosed,
  idempotencyKeyReused,
  notTheAuthor,
  parentNotFound,
  replyTooDeep,
} from './posting.errors';

/** What a reader is told about their own comment. */
export interface OwnCommentView {
  id: string;
  articleId: string;
  parentId: string | null;
  status: CommentRecord['status'];
  /** Why it was rejected or held, in the moderators' or the rules' words. */
  reason?: string;
  body: string;
  postedAt: string;
  editedAt?: string;
  revision: number;
  /** A moderator's warnings to the author not acknowledged yet (POST /api/v1/me/warnings/:id/acknowledge); the post went through. */
  warnings?: PostingWarning[];
}

const STATUS_OF: Record<ModerationDecidedPayload['decision'], CommentStatusChange> = { approve: 'approved', hold: 'held', reject: 'rejected' };
const EVENT_OF: Record<CommentStatusChange, Extract<EventType, `comment.${string}`>> = {
  approved: 'comment.approved',
  held: 'comment.held',
  rejected: 'comment.rejected',
  deleted: 'comment.deleted',
};

/**
 * Readers' comments: posting (accepted durably, decided later by moderation's events), their
 * own view of them, edits within a window, deletion; and applying moderation's decisions.
 */
@Injectable()
export class PostingService {
  private readonly batcher: SubmissionBatcher;

  constructor(
    private readonly comments: CommentsRepository,
    private readonly threads: ThreadsService,
    private readonly readers: ReadersService,
    private readonly readModel: ThreadReadModel,
    private readonly config: CommentsConfig,
    @Inject(COMMENTS_OUTBOX) private readonly outbox: OutboxRelay,
    private readonly publisher: EventPublisher,
  ) {
    this.batcher = new SubmissionBatcher(comments, publisher, {
      lingerMs: config.COMMENT_BATCH_LINGER_MS,
      maxBatch: config.COMMENT_BATCH_MAX,
      publishTimeoutMs: config.COMMENT_PUBLISH_TIMEOUT_MS,
    });
  }

  /**
   * Accepts a comment as pending: stored with its comment.submitted event in one write, then
   * handed to the broker (waited for, briefly); posts arriving together share both (see
   * SubmissionBatcher). A retry with the same Idempotency-Key gets the
   * same answer and creates nothing.
   */
  async submit(articleId: string, input: SubmitCommentInput, actor: Actor, idempotencyKey?: string): Promise<OwnCommentView> {
    const id = commentIdFor(actor.id, articleId, idempotencyKey);
    // A retry is replayed before anything is judged again: the comment it stands for was stored
    // when the thread was open and the reader allowed, whatever has changed since.
    const retried = idempotencyKey ? await this.comments.findById(id) : null;
    if (retried) return this.replay(retried, input);
    const warnings = await this.readers.assertMayPost(actor.id);
    const now = new Date();
    await this.assertThreadAccepts(articleId, now);

    let depth = 0;
    if (input.parentId) {
      const parent = await this.comments.findById(input.parentId);
      if (!parent || parent.articleId !== articleId || parent.status === 'deleted') throw parentNotFound(input.parentId);
      depth = (parent.depth ?? 0) + 1;
      if (depth > this.config.COMMENT_MAX_REPLY_DEPTH) throw replyTooDeep(this.config.COMMENT_MAX_REPLY_DEPTH);
    }
    const author = { id: actor.id, name: actor.name };
    const payload: CommentSubmittedPayload = {
      commentId: id,
      articleId,
      ...(input.parentId ? { parentId: input.parentId } : {}),
      author,
      body: input.body,
      revision: 1,
      at: now,
    };
    const comment: CommentDocument = {
      _id: id,
      articleId,
      parentId: input.parentId ?? null,
      depth,
      author,
      body: input.body,
      postedAt: now,
      status: 'pending',
      source: 'reader',
      externalId: null,
      importKey: `reader:${id}`,
      revision: 1,
      outbox: [createEvent('comment.submitted', articleId, payload, { ...eventMeta('comments'), id: reviewEventId(id, 1) })],
    };
    if (!(await this.batcher.store(comment))) {
      // Taken meanwhile: the same post retried concurrently with its Idempotency-Key.
      const existing = await this.comments.findById(id);
      if (!existing) throw commentChangedMeanwhile(id);
      return this.sameAnswer(existing, input);
    }
    return { ...toOwnView(comment), ...(warnings.length ? { warnings } : {}) };
  }

  /**
   * A post retried with its Idempotency-Key: the first answer. A first revision still pending
   * may be one whose event never left (the process died between storing it and the broker's
   * acknowledgement, so its 202 was never sent, which is why the client retries): it is
   * announced again. Moderation decides a revision once, so a second announcement is harmless.
   */
  private async replay(existing: CommentRecord, input: SubmitCommentInput): Promise<OwnCommentView> {
    const view = this.sameAnswer(existing, input);
    if (existing.status === 'pending' && (existing.revision ?? 1) === 1) {
      const payload: CommentSubmittedPayload = {
        commentId: existing._id,
        articleId: existing.articleId,
        ...(existing.parentId ? { parentId: existing.parentId } : {}),
        author: { id: existing.author.id!, name: existing.author.name },
        body: existing.body,
        revision: 1,
        at: existing.postedAt,
      };
      await this.publisher.publishTogether([createEvent('comment.submitted', existing.articleId, payload, { ...eventMeta('comments'), id: reviewEventId(existing._id, 1) })]);
    }
    return view;
  }

  /** Its author sees a comment in any status (with the reason); everyone else only when approved. */
  async view(id: string, viewer?: Actor): Promise<OwnCommentView> {
    const comment = await this.comments.findById(id);
    if (!comment || comment.status === 'deleted') throw commentNotFound(id);
    const own = viewer && comment.author.id === viewer.id;
    const staff = viewer?.roles.some((role) => role === 'moderator' || role === 'admin');
    if (!own && !staff && comment.status !== 'approved') throw commentNotFound(id);
    const view = toOwnView(comment);
    return own || staff ? view : { ...view, reason: undefined };
  }

  /** The author rewrites their comment within the window; it goes back to moderation. */
  async edit(id: string, input: EditCommentInput, actor: Actor): Promise<OwnCommentView> {
    const comment = await this.comments.findById(id);
    if (!comment || comment.status === 'deleted') throw commentNotFound(id);
    if (comment.author.id !== actor.id) throw notTheAuthor();
    const now = new Date();
    if (now.getTime() - comment.postedAt.getTime() > this.config.COMMENT_EDIT_WINDOW_MINUTES * 60_000) {
      throw editWindowClosed(this.config.COMMENT_EDIT_WINDOW_MINUTES);
    }
    await this.assertThreadAccepts(comment.articleId, now);
    const revision = (comment.revision ?? 1) + 1;
    const payload: CommentSubmittedPayload = {
      commentId: id,
      articleId: comment.articleId,
      ...(comment.parentId ? { parentId: comment.parentId } : {}),
      author: { id: comment.author.id!, name: comment.author.name },
      body: input.body,
      revision,
      at: now,
    };
    const saved = await this.comments.updateIf(
      id,
      { revision: comment.revision ?? 1, status: comment.status },
      { body: input.body, revision, status: 'pending', editedAt: now, statusReason: 'edited; awaiting moderation' },
      [createEvent('comment.edited', comment.articleId, payload, { ...eventMeta('comments'), id: reviewEventId(id, revision) })],
    );
    if (!saved) throw commentChangedMeanwhile(id);
    await this.changed(saved, comment.status === 'approved');
    return toOwnView(saved);
  }

  /**
   * Its author (or a moderator) deletes a comment: gone from the thread and the count. One with
   * replies stays as a placeholder so the conversation under it still reads.
   */
  async remove(id: string, actor: Actor): Promise<void> {
    const comment = await this.comments.findById(id);
    if (!comment) throw commentNotFound(id);
    const staff = actor.roles.some((role) => role === 'moderator' || role === 'admin');
    if (comment.status === 'deleted') {
      // Its deleter retrying (the first answer lost, or the recount after the write failed):
      // still gone, and the count made to follow it.
      if (comment.author.id === actor.id || staff) await this.recount(comment.articleId);
      throw commentNotFound(id);
    }
    if (comment.author.id !== actor.id && !staff) throw notTheAuthor();
    const placeholder = (await this.comments.countVisibleReplies(id)) > 0;
    const reason = comment.author.id === actor.id ? 'deleted by its author' : 'deleted by a moderator';
    const event = this.statusEvent(comment, 'deleted', reason, await this.countAfter(comment, 'deleted'), actor);
    const saved = await this.comments.updateIf(
      id,
      { revision: comment.revision ?? 1, status: comment.status },
      { status: 'deleted', placeholder, statusReason: reason, body: '' },
      [event],
    );
    if (!saved) throw commentChangedMeanwhile(id);
    await this.changed(saved, comment.status === 'approved');
  }

  /**
   * moderation.decided → the comment's status. Applies only to the revision decided and only if
   * newer than the last decision applied, so redelivered or stale decisions change nothing.
   */
  async applyDecision(decision: ModerationDecidedPayload): Promise<void> {
    if (await this.decidePending(decision)) return;
    const comment = await this.comments.findById(decision.commentId);
    // A comment is stored before its revision is announced, so a decision on a comment or a
    // revision not here yet is out of order or bogus: thrown, it is retried and then
    // dead-lettered with this reason, instead of vanishing without a trace.
    if (!comment) throw new Error(`moderation.decided for comment ${decision.commentId}, which is not known here`);
    if (comment.status === 'deleted') return;
    if (decision.revision > (comment.revision ?? 1)) {
      throw new Error(`moderation.decided for revision ${decision.revision} of comment ${comment._id}, which is at revision ${comment.revision ?? 1}`);
    }
    if ((comment.revision ?? 1) !== decision.revision) return;
    const status = STATUS_OF[decision.decision];
    if (!isNewer(decision, comment)) {
      // Applied already. A crash (or a failed send or recount) may have come between that write
      // and what had to follow it, and this redelivery is the only one who can still see it:
      // announce it again and recount (consumers keep the newest state; a recount is coalesced).
      if (sameDecision(decision, comment, status)) {
        const again = this.statusEvent(comment, status, decision.reason, await this.countAfter(comment, status), decision.moderator);
        await this.announce(comment as CommentDocument, again, true);
      }
      return;
    }
    const delta = (status === 'approved' ? 1 : 0) - (comment.status === 'approved' ? 1 : 0);
    const event = this.statusEvent(comment, status, decision.reason, await this.countAfter(comment, status), decision.moderator);
    const saved = await this.comments.updateIf(
      comment._id,
      { revision: decision.revision, status: comment.status },
      { status, statusReason: decision.reason, decidedAt: decision.decidedAt, ...seqOf(decision) },
      [],
    );
    // Changed meanwhile (an edit or another decision): the event server retries from fresh state.
    if (!saved) throw new Error(`comment ${comment._id} changed while applying a decision`);
    await this.announce(saved, event, delta !== 0);
  }

  /**
   * The common case in one write, no read: the comment is pending at the decided revision, so no
   * decision on that revision has been applied (decisions never set pending; an edit makes a new
   * revision). False when it is not so; applyDecision then reads the comment and decides.
   */
  private async decidePending(decision: ModerationDecidedPayload): Promise<boolean> {
    const pending = { _id: decision.commentId, articleId: decision.articleId, revision: decision.revision, status: 'pending' } as CommentRecord;
    const status = STATUS_OF[decision.decision];
    // No thread (a bogus decision, or the database away): the full path says what is wrong.
    const count = await this.countAfter(pending, status).catch(() => null);
    if (count === null) return false;
    const event = this.statusEvent(pending, status, decision.reason, count, decision.moderator);
    const saved = await this.comments.updateIf(
      decision.commentId,
      { revision: decision.revision, status: 'pending', articleId: decision.articleId },
      { status, statusReason: decision.reason, decidedAt: decision.decidedAt, ...seqOf(decision) },
      [],
    );
    if (!saved) return false;
    await this.announce(saved, event, status === 'approved');
    return true;
  }

  /**
   * After a decision is stored: its event is sent before the decision's own offset is committed
   * (so no outbox, and no second write per decision to clear one: the consumer's redelivery is
   * the retry, see applyDecision), this instance's read model patched, and the thread recounted
   * when the approved count moved.
   */
  private async announce(saved: CommentDocument, event: EventEnvelope<unknown>, countMoved: boolean): Promise<void> {
    this.readModel.applied(saved, [event.id]);
    await Promise.all([this.publisher.publishTogether([event]), countMoved ? this.recount(saved.articleId) : undefined]);
  }

  /**
   * After a comment's change is stored with its event (the last in its outbox): this instance's
   * read model is patched, the outbox handed to the relay, and the thread recounted when the
   * change moved the approved count.
   */
  private async changed(saved: CommentDocument, countMoved: boolean): Promise<void> {
    this.readModel.applied(saved, lastEventOf(saved));
    this.outbox.publishSoon({ id: saved._id, events: saved.outbox, version: saved.updatedAt });
    if (countMoved) await this.recount(saved.articleId);
  }

  private async assertThreadAccepts(articleId: string, now: Date): Promise<void> {
    const thread = await this.threads.findReadable(articleId);
    const verdict = canAcceptComments(thread, now);
    if (verdict.ok) return;
    if (verdict.refusal.code === 'thread_hidden') throw threadNotFound(articleId);
    throw new DomainError('conflict', verdict.refusal.code, verdict.refusal.message);
  }

  private sameAnswer(existing: CommentRecord, input: SubmitCommentInput): OwnCommentView {
    const sameRequest = existing.body === input.body && (existing.parentId ?? undefined) === (input.parentId ?? undefined);
    if (!sameRequest && (existing.revision ?? 1) === 1) throw idempotencyKeyReused();
    return toOwnView(existing);
  }

  private statusEvent(comment: CommentRecord, status: CommentStatusChange, reason: string, commentCount: number, by?: Actor) {
    return createEvent(
      EVENT_OF[status],
      comment.articleId,
      {
        commentId: comment._id,
        articleId: comment.articleId,
        status,
        revision: comment.revision ?? 1,
        reason,
        ...(by ? { by } : {}),
        commentCount: Math.max(0, commentCount),
        at: new Date(),
      },
      eventMeta('comments'),
    );
  }

  /**
   * The count a status event carries: the thread's last count moved by this change, not a fresh
   * count (a scan of the story per change); thread.count_changed, from the recount, is exact.
   */
  private async countAfter(comment: CommentRecord, status: CommentStatusChange): Promise<number> {
    const thread = await this.threads.findRecent(comment.articleId);
    return (thread.commentCount ?? 0) + (status === 'approved' ? 1 : 0) - (comment.status === 'approved' ? 1 : 0);
  }

  private recount(articleId: string): Promise<number> {
    return this.threads.recount(articleId, () => this.comments.countApproved(articleId));
  }
}

/**
 * Whether a decision comes after the one the comment shows. Moderation's journal numbers a
 * case's decisions (decisionSeq): that order holds across moderation instances, whose clocks
 * need not agree. Decisions from before the sequence was carried fall back to their times.
 */
export function isNewer(decision: ModerationDecidedPayload, comment: Pick<CommentRecord, 'decidedAt' | 'decisionSeq'>): boolean {
  if (decision.decisionSeq !== undefined && comment.decisionSeq !== undefined && comment.decisionSeq !== null) {
    return decision.decisionSeq > comment.decisionSeq;
  }
  return !comment.decidedAt || comment.decidedAt.getTime() < decision.decidedAt.getTime();
}

/** The comment shows exactly this decision (a redelivery of the one applied). */
const sameDecision = (decision: ModerationDecidedPayload, comment: CommentRecord, status: CommentStatusChange) =>
  comment.status === status &&
  (decision.decisionSeq !== undefined && comment.decisionSeq != null
    ? decision.decisionSeq === comment.decisionSeq
    : comment.decidedAt?.getTime() === decision.decidedAt.getTime());

const seqOf = (decision: ModerationDecidedPayload) => (decision.decisionSeq !== undefined ? { decisionSeq: decision.decisionSeq } : {});

const lastEventOf = (comment: CommentDocument) => comment.outbox.slice(-1).map((event) => event.id);

const toOwnView = (comment: CommentRecord): OwnCommentView => ({
  id: comment._id,
  articleId: comment.articleId,
  parentId: comment.parentId ?? null,
  status: comment.status,
  ...(comment.statusReason && comment.status !== 'approved' ? { reason: comment.statusReason } : {}),
  body: comment.body,
  postedAt: comment.postedAt.toISOString(),
  ...(comment.editedAt ? { editedAt: comment.editedAt.toISOString() } : {}),
  revision: comment.revision ?? 1,
});
