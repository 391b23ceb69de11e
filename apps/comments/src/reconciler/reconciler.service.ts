import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommentSubmittedPayload, createEvent, EventEnvelope } from '@app/contracts';
import { EventPublisher, eventMeta } from '@app/kafka';
import { commentsReannounced, oldestPendingCommentSeconds } from '@app/observability';
import { CommentsConfig } from '../comments.config';
import { reviewEventId } from '../posting/comment-id';
import { PendingComment, ReconcilerRepository } from './reconciler.repository';

/** Pending comments read per pass: the oldest first, so a backlog is worked off pass by pass. */
const PASS_LIMIT = 500;

/** Since when a comment waits for moderation: its last edit, or its posting. */
const pendingSince = (comment: PendingComment): Date => comment.editedAt ?? comment.postedAt;

/**
 * The announcement that asks moderation to decide this revision, as posting or editing made it.
 * Moderation reviews each revision once (its journal refuses a revision it has), so announcing
 * again changes nothing there when it has decided already; the event keeps the revision's one id.
 */
export function submissionOf(comment: PendingComment): EventEnvelope<CommentSubmittedPayload> {
  const revision = comment.revision ?? 1;
  const payload: CommentSubmittedPayload = {
    commentId: comment._id,
    articleId: comment.articleId,
    ...(comment.parentId ? { parentId: comment.parentId } : {}),
    author: comment.author.id ? { id: comment.author.id, name: comment.author.name } : { name: comment.author.name },
    body: comment.body,
    revision,
    at: pendingSince(comment),
  };
  return createEvent(revision === 1 ? 'comment.submitted' : 'comment.edited', comment.articleId, payload, { ...eventMeta('comments'), id: reviewEventId(comment._id, revision) });
}

/** The comments a pass announces again (pending longer than maxAgeMs at `now`), and the oldest one's age. */
export function overdue(pending: PendingComment[], now: Date, maxAgeMs: number): { overdue: PendingComment[]; oldestAgeMs: number } {
  const ages = pending.map((comment) => now.getTime() - pendingSince(comment).getTime());
  return { overdue: pending.filter((_, i) => ages[i]! > maxAgeMs), oldestAgeMs: Math.max(0, ...ages) };
}

/**
 * Finds comments pending longer than COMMENTS_PENDING_MAX_AGE_MS and announces their submission
 * again, so moderation decides them: a submission dead-lettered by moderation, or lost, left its
 * comment pending for good (issue 13, defect 4). Any number of instances may run it: a duplicate
 * announcement costs moderation one refused insert. Sets comments_oldest_pending_seconds.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ReconcilerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly repository: ReconcilerRepository,
    private readonly publisher: EventPublisher,
    private readonly config: CommentsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.COMMENTS_RECONCILE_INTERVAL_MS) return;
    this.timer = setInterval(() => void this.pass().catch(() => undefined), this.config.COMMENTS_RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass; resolves to the number of comments announced again. One pass at a time. */
  pass(now = new Date()): Promise<number> {
    this.running ??= this.reconcile(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async reconcile(now: Date): Promise<number> {
    try {
      const found = overdue(await this.repository.findPending(PASS_LIMIT), now, this.config.COMMENTS_PENDING_MAX_AGE_MS);
      oldestPendingCommentSeconds.set(found.oldestAgeMs / 1000);
      if (!found.overdue.length) return 0;
      await this.publisher.publish(found.overdue.map(submissionOf));
      commentsReannounced.inc(found.overdue.length);
      this.log.warn({ msg: 'announced comments pending too long again', comments: found.overdue.length, oldestAgeSeconds: Math.round(found.oldestAgeMs / 1000) });
      return found.overdue.length;
    } catch (error) {
      this.log.warn({ msg: 'reconciler pass failed; the next one retries', error: (error as Error).message });
      throw error;
    }
  }
}
