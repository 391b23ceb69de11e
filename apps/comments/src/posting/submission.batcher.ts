import { Logger } from '@nestjs/common';
import { OutboxRelay } from '@app/kafka';
import { CommentDocument } from '../comments/comment.schema';
import { CommentsRepository } from '../comments/comments.repository';

export interface BatcherOptions {
  /** How long the first post of a batch waits for company. */
  lingerMs: number;
  maxBatch: number;
  /** How long a post waits for the broker's acknowledgement before answering anyway. */
  publishTimeoutMs: number;
}

interface Waiter {
  comment: CommentDocument;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for readers' posts: posts arriving within a few milliseconds are stored with one
 * insertMany and their comment.submitted events go out in one produce request (the relay clears
 * them from the documents later, once quiet: see MongooseOutboxStore). On FerretDB a batch insert costs about a twenty-fourth of
 * single inserts per document (see ../shared/notes/infrastructure.md), and kafkajs sends one
 * request per call. Each post is still answered only once its comment is stored (durable) and
 * its event acknowledged or the wait timed out (the relay's poller publishes it later).
 */
export class SubmissionBatcher {
  private readonly log = new Logger(SubmissionBatcher.name);
  private queue: Waiter[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly comments: CommentsRepository,
    private readonly outbox: OutboxRelay,
    private readonly options: BatcherOptions,
  ) {}

  /** True when stored now; false when a comment with its id existed (a retried post). */
  store(comment: CommentDocument): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ comment, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length) void this.commit(batch);
  }

  private async commit(batch: Waiter[]): Promise<void> {
    let inserted: CommentDocument[];
    try {
      inserted = await this.comments.insertNew(batch.map((waiter) => waiter.comment));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    const stored = new Set(inserted.map((comment) => comment._id));
    // Stored is durable: the events are in the documents. Publishing is waited for, briefly.
    const published = await this.outbox.publishNowMany(
      inserted.map((comment) => ({ id: comment._id, events: comment.outbox, version: comment.updatedAt })),
      this.options.publishTimeoutMs,
    );
    if (!published) this.log.warn({ msg: 'posts stored, publication left to the poller', comments: inserted.length });
    for (const waiter of batch) waiter.resolve(stored.has(waiter.comment._id));
  }
}
