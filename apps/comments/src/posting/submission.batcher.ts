import { Logger } from '@nestjs/common';
import { EventPublisher } from '@app/kafka';
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
 * request. Each post is answered once its comment is stored (durable) and its event
 * acknowledged.
 *
 * The events are not written into the documents first: clearing them again afterwards cost
 * one update per comment, and on FerretDB updates do not batch (one insert of 200 costs what
 * 16 updates do). Only when the broker does not acknowledge in time are the events put into the
 * documents' outboxes, for the relay's poller. Should the process die between the insert and
 * the acknowledgement, the comment stays pending unannounced; the reconciler re-announces
 * comments pending past its bound (see ARCHITECTURE.md, "The write path").
 */
export class SubmissionBatcher {
  private readonly log = new Logger(SubmissionBatcher.name);
  private readonly group: GroupCommit<CommentDocument, boolean>;

  constructor(
    private readonly comments: CommentsRepository,
    private readonly publisher: EventPublisher,
    private readonly options: BatcherOptions,
  ) {
    this.group = new GroupCommit((batch) => this.commit(batch), options);
  }

  /** True when stored now; false when a comment with its id existed (a retried post). */
  store(comment: CommentDocument): Promise<boolean> {
    return this.group.submit(comment);
  }

  private async commit(batch: CommentDocument[]): Promise<PromiseSettledResult<boolean>[]> {
    const inserted = await this.comments.insertNew(batch.map((comment) => ({ ...comment, outbox: [] })));
    const stored = new Set(inserted.map((comment) => comment._id));
    const events = batch.filter((comment) => stored.has(comment._id));
    if (!(await this.publisher.publishWithin(events.flatMap((comment) => comment.outbox), this.options.publishTimeoutMs))) {
      this.log.warn({ msg: 'posts stored, publication left to the outbox poller', comments: events.length });
      // Best effort: if this fails too, the reconciler announces them.
      await this.comments.leaveToOutbox(events).catch((error) =>
        this.log.error({ msg: 'could not hand posts to the outbox; the reconciler will announce them', comments: events.length, error: (error as Error).message }),
      );
    }
    return batch.map((comment) => ({ status: 'fulfilled', value: stored.has(comment._id) }));
  }
}
