import { Injectable, Logger } from '@nestjs/common';
import { Actor, CommentImportedPayload, createEvent, derivedId, ImportCommentsInput, ImportedCommentInput, ListCommentsQuery } from '@app/contracts';
import { EventPublisher, eventMeta } from '@app/kafka';
import { ThreadsService } from '../threads/threads.service';
import { threadHidden } from '../threads/threads.errors';
import { CommentDocument, importKeyOf } from './comment.schema';
import { ImportResultView, ThreadCommentsView, toCommentView } from './comment.view';
import { invalidCursor } from './comments.errors';
import { CommentRecord, CommentsRepository } from './comments.repository';
import { ThreadReadModel } from './thread-read.model';

export const COMMENTS_OUTBOX = Symbol('COMMENTS_OUTBOX');

/** How long an import waits for the broker to take its events before answering anyway (they are stored). */
const IMPORT_PUBLISH_TIMEOUT_MS = 10_000;

/** Reading a thread's comments, and moving a newsroom's existing comments in. */
@Injectable()
export class CommentsService {
  private readonly log = new Logger(CommentsService.name);

  constructor(
    private readonly repository: CommentsRepository,
    private readonly threads: ThreadsService,
    private readonly readModel: ThreadReadModel,
    private readonly publisher: EventPublisher,
  ) {}

  /** The thread's state and count and a page of its approved comments, oldest first; for every state but hidden. */
  async readThread(articleId: string, query: ListCommentsQuery): Promise<ThreadCommentsView> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const thread = await this.threads.findReadable(articleId);
    const docs = await this.readModel.page(articleId, after, query.limit + 1);
    const page = docs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      articleId,
      state: thread.state,
      closesAt: thread.closesAt.toISOString(),
      archivesAt: thread.archivesAt.toISOString(),
      commentCount: thread.commentCount ?? 0,
      comments: page.map(toCommentView),
      nextCursor: docs.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Stores comments from another system as approved, source import, whatever the thread's state
   * (moving an archive in is the point). Idempotent by externalId: what the thread holds already
   * is skipped, so the same batch twice changes nothing. Each stored comment carries its
   * comment.imported event; then the thread's count is recomputed by counting (see
   * ThreadsService.recount), which also repairs a count left behind by a crash between the two
   * writes: importing the batch again fixes it. A comment's id is derived from (story,
   * externalId), so a reply (parentExternalId) points at its parent whether the parent came in an
   * earlier batch, comes in this one or in a later one. A dry run answers the same counts and
   * stores nothing.
   */
  async import(articleId: string, input: ImportCommentsInput, actor: Actor): Promise<ImportResultView> {
    // As posts see it (ThreadStateCache): an archive moved in imports into thousands of threads it
    // has just opened, and a read of each was a tenth of their cost. A stale state can only be
    // hidden-but-held: the next import after the cache hears of it is refused.
    const thread = await this.threads.findRecent(articleId);
    if (thread.state === 'hidden') throw threadHidden(articleId);
    const source = input.source ?? 'import';
    const inBatch = new Set(input.comments.map((comment) => comment.externalId));
    // Ids are derived from (story, externalId), so the insert itself finds what is stored already
    // (refused as duplicates). Read first only what the insert cannot tell: the depths of parents
    // outside the batch, and for a dry run, which comments are there.
    const lookup = input.dryRun
      ? [...inBatch, ...input.comments.flatMap((comment) => (comment.parentExternalId ? [comment.parentExternalId] : []))]
      : input.comments.flatMap((comment) => (comment.parentExternalId && !inBatch.has(comment.parentExternalId) ? [comment.parentExternalId] : []));
    const stored = await this.repository.importedByKey(articleId, [...new Set(lookup.map(importKeyOf))]);
    if (input.dryRun) {
      const fresh = input.comments.filter((comment) => !stored.has(importKeyOf(comment.externalId)));
      return { articleId, imported: fresh.length, skipped: input.comments.length - fresh.length, commentCount: thread.commentCount, dryRun: true };
    }
    const depths = replyDepths(input.comments, stored);
    const meta = eventMeta('comments');
    const documents: CommentDocument[] = input.comments.map((comment) => {
      // Derived, not random: a reply names its parent's id before (or without) the parent being in its batch.
      const id = importedCommentId(articleId, comment.externalId);
      const parentId = comment.parentExternalId
        ? (stored.get(importKeyOf(comment.parentExternalId))?._id ?? importedCommentId(articleId, comment.parentExternalId))
        : null;
      const payload: CommentImportedPayload = {
        commentId: id,
        articleId,
        externalId: comment.externalId,
        author: { name: comment.authorName },
        body: comment.body,
        postedAt: comment.postedAt,
        status: 'approved',
        source,
      };
      return {
        _id: id,
        articleId,
        author: { name: comment.authorName },
        body: comment.body,
        postedAt: comment.postedAt,
        status: 'approved',
        source,
        externalId: comment.externalId,
        importKey: importKeyOf(comment.externalId),
        parentId,
        depth: depths.get(comment.externalId) ?? 0,
        // Derived from the comment: announced again (see below), it is the same event to every consumer.
        outbox: [createEvent('comment.imported', articleId, payload, { ...meta, id: derivedId('comment.imported.event', id) })],
      };
    });
    // Stored without their events, which go out in one request, waited for: into the outbox only
    // when the broker does not take them in time (clearing 200 outboxes again cost 200 updates,
    // which FerretDB does not batch). The comments found stored already are announced again: one
    // of them may be from an import that died before the broker acknowledged, and it is that
    // importer's retry which arrives here; moderation drops what it knows by id.
    const inserted = await this.repository.insertNew(documents.map((comment) => ({ ...comment, outbox: [] })));
    this.readModel.forget(articleId);
    const insertedIds = new Set(inserted.map((comment) => comment._id));
    if (!(await this.publisher.publishWithin(documents.flatMap((comment) => comment.outbox), IMPORT_PUBLISH_TIMEOUT_MS))) {
      this.log.warn({ msg: 'imported comments stored, publication left to the outbox poller', articleId, comments: inserted.length });
      // If this fails too the import fails, and sending the batch again announces them.
      await this.repository.leaveToOutbox(documents.filter((comment) => insertedIds.has(comment._id)));
    }
    const commentCount = await this.threads.recount(articleId, () => this.repository.countApproved(articleId), 'comments_imported');
    const result = { articleId, imported: inserted.length, skipped: input.comments.length - inserted.length, commentCount };
    this.log.log({ msg: 'imported comments', ...result, source, by: actor.id });
    return result;
  }
}

/** The id of an imported comment: the same for the same (story, externalId), whichever batch carries it. */
export const importedCommentId = (articleId: string, externalId: string) => derivedId('comment.imported', articleId.toLowerCase(), externalId);

/**
 * How deep each comment of a batch sits: one below its parent, whether the parent is stored
 * (its depth) or in the batch; a parent that is neither (still to come) counts as top level.
 */
function replyDepths(comments: ImportedCommentInput[], stored: Map<string, { depth: number }>): Map<string, number> {
  const parents = new Map(comments.map((comment) => [comment.externalId, comment.parentExternalId]));
  const depths = new Map<string, number>();
  const depthOf = (externalId: string, seen: Set<string>): number => {
    const known = depths.get(externalId);
    if (known !== undefined) return known;
    const parent = parents.get(externalId);
    let depth = 0;
    if (parent && !seen.has(parent)) {
      const storedParent = stored.get(importKeyOf(parent));
      depth = storedParent ? storedParent.depth + 1 : parents.has(parent) ? depthOf(parent, seen.add(parent)) + 1 : 1;
    }
    depths.set(externalId, depth);
    return depth;
  };
  for (const comment of comments) depthOf(comment.externalId, new Set([comment.externalId]));
  return depths;
}

const encodeCursor = (comment: CommentRecord) =>
  Buffer.from(JSON.stringify([comment.postedAt.toISOString(), comment._id])).toString('base64url');

function decodeCursor(cursor: string): { postedAt: Date; id: string } {
  try {
    const [postedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    const date = new Date(String(postedAt));
    if (typeof postedAt !== 'string' || typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error();
    return { postedAt: date, id };
  } catch {
    throw invalidCursor();
  }
}
