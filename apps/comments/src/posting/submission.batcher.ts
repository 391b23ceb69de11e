import { Logger } from '@nestjs/common';
import { OutboxRelay } from '@app/kafka';
import { GroupCommit, GroupCommitOptions } from '@app/persistence';
import { CommentDocument } from '../comments/comment.schema';
import { CommentsRepository } from '../comments/comments.repository';

export interface BatcherOptions extends GroupCommitOptions {
  /** How long a post waits for the broker's acknowledgement before answering anyway. */
  publishTimeoutMs: number;
}

/**
 * Group commit (see GroupCommit) for readers' posts: posts arriving within a few milliseconds
 * are stored with one insertMany and their comment.submitted events go out in one produce
 * request (kafkajs sends one request per call; the relay clears them from the documents later,
 * once quiet: see MongooseOutboxStore). Each post is still answered only once its comment is
 * stored (durable) and its event acknowledged or the wait timed out (the relay's poller
 * publishes it later).
 */
export class SubmissionBatcher {
  private readonly log = new Logger(SubmissionBatcher.name);
  private readonly group: GroupCommit<CommentDocument, boolean>;

  constructor(
    private readonly comments: CommentsRepository,
    private readonly outbox: OutboxRelay,
    private readonly options: BatcherOptions,
  ) {
    this.group = new GroupCommit((batch) => this.commit(batch), options);
  }

  /** True when stored now; false when a comment with its id existed (a retried post). */
  store(comment: CommentDocument): Promise<boolean> {
    return this.group.submit(comment);
  }

  private async commit(batch: CommentDocument[]): Promise<PromiseSettledResult<boolean>[]> {
    const inserted = await this.comments.insertNew(batch);
    const stored = new Set(inserted.map((comment) => comment._id));
    // Stored is durable: the events are in the documents. Publishing is waited for, briefly.
    const published = await this.outbox.publishNowMany(
      inserted.map((comment) => ({ id: comment._id, events: comment.outbox, version: comment.updatedAt })),
      this.options.publishTimeoutMs,
    );
    if (!published) this.log.warn({ msg: 'posts stored, publication left to the poller', comments: inserted.length });
    return batch.map((comment) => ({ status: 'fulfilled', value: stored.has(comment._id) }));
  }
}
