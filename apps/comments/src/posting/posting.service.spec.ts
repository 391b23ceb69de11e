import { Actor, ModerationDecidedPayload } from '@app/contracts';
import { EventPublisher, OutboxRelay } from '@app/kafka';
import { runWithCorrelation } from '@app/observability';
import { CommentsConfig } from '../comments.config';
import { CommentDocument } from '../comments/comment.schema';
import { CommentsRepository } from '../comments/comments.repository';
import { ThreadReadModel } from '../comments/thread-read.model';
import { ReadersService } from '../readers/readers.service';
import { ThreadRecord } from '../threads/threads.repository';
import { ThreadsService } from '../threads/threads.service';
import { PostingService } from './posting.service';

const ARTICLE = '3f0c8f5e-8a39-4c3f-9d1e-2a7f6b0c1d2e';
const COMMENT = '8d1f2c3b-4a5e-4f60-9b7a-1c2d3e4f5a6b';
const reader: Actor = { id: 'reader-1', name: 'Ann Reader', roles: ['reader'] };

/** The comments collection in memory, with the repository's compare-and-set contract. */
class MemoryComments {
  readonly docs = new Map<string, CommentDocument>();

  async findById(id: string) {
    const doc = this.docs.get(id);
    return doc ? structuredClone(doc) : null;
  }

  async insertNew(comments: CommentDocument[]) {
    const fresh = comments.filter((c) => !this.docs.has(c._id)).map((c) => ({ ...c, updatedAt: new Date() }));
    for (const c of fresh) this.docs.set(c._id, structuredClone(c));
    return fresh;
  }

  async updateIf(id: string, expected: { revision: number; status: string; articleId?: string }, set: Partial<CommentDocument>, events: unknown[]) {
    const doc = this.docs.get(id);
    if (!doc || doc.status !== expected.status || (doc.revision ?? 1) !== expected.revision) return null;
    if (expected.articleId && doc.articleId !== expected.articleId) return null;
    const updated = { ...doc, ...set, outbox: [...doc.outbox, ...(events as never[])], updatedAt: new Date() };
    this.docs.set(id, updated);
    return structuredClone(updated);
  }

  async countVisibleReplies(parentId: string) {
    return [...this.docs.values()].filter((d) => d.parentId === parentId && ['approved', 'held', 'pending'].includes(d.status)).length;
  }

  async countApproved(articleId: string) {
    return [...this.docs.values()].filter((d) => d.articleId === articleId && d.status === 'approved').length;
  }
}

function setup() {
  const comments = new MemoryComments();
  const thread = { _id: ARTICLE, state: 'open', commentCount: 0, seq: 1, closesAt: new Date(Date.now() + 86_400_000), archivesAt: new Date(Date.now() + 2 * 86_400_000) } as ThreadRecord;
  const recounts: number[] = [];
  let failRecounts = 0;
  const threads = {
    findReadable: async () => thread,
    findRecent: async () => thread,
    recount: async (_: string, count: () => Promise<number>) => {
      if (failRecounts > 0) {
        failRecounts--;
        throw new Error('database went away during the recount');
      }
      thread.commentCount = await count();
      recounts.push(thread.commentCount);
      return thread.commentCount;
    },
  };
  const readers = { assertMayPost: async () => [] };
  const readModel = { applied: () => undefined };
  const outbox = { publishSoon: () => undefined, publishNowMany: async () => true };
  const sent: { id: string; type: string; payload: Record<string, unknown> }[] = [];
  const publisher = {
    publishTogether: async (events: never[]) => void sent.push(...events),
    publishWithin: async (events: never[]) => (sent.push(...events), true),
  };
  const config = { COMMENT_BATCH_LINGER_MS: 0, COMMENT_BATCH_MAX: 10, COMMENT_PUBLISH_TIMEOUT_MS: 100, COMMENT_EDIT_WINDOW_MINUTES: 15, COMMENT_MAX_REPLY_DEPTH: 3 };
  const service = new PostingService(
    comments as unknown as CommentsRepository,
    threads as unknown as ThreadsService,
    readers as unknown as ReadersService,
    readModel as unknown as ThreadReadModel,
    config as unknown as CommentsConfig,
    outbox as unknown as OutboxRelay,
    publisher as unknown as EventPublisher,
  );
  return { service, comments, thread, recounts, sent, failNextRecount: () => (failRecounts = 1) };
}

const pending = (overrides: Partial<CommentDocument> = {}): CommentDocument => ({
  _id: COMMENT,
  articleId: ARTICLE,
  author: { id: reader.id, name: reader.name },
  body: 'The hearing is on Monday.',
  postedAt: new Date(),
  status: 'pending',
  source: 'reader',
  externalId: null,
  importKey: `reader:${COMMENT}`,
  revision: 1,
  outbox: [],
  ...overrides,
});

const decision = (overrides: Partial<ModerationDecidedPayload> = {}): ModerationDecidedPayload => ({
  commentId: COMMENT,
  articleId: ARTICLE,
  revision: 1,
  decision: 'approve',
  rule: 'clean',
  reason: 'no rule matched',
  decidedAt: new Date(),
  decisionSeq: 1,
  ...overrides,
});

const run = <T>(work: () => Promise<T>) => runWithCorrelation({ correlationId: 'test' }, work);

describe('PostingService', () => {
  // Issue 13, defect 2: the decision was written, then its recount failed; the redelivered
  // decision no longer matched `pending` and returned without recounting, so the count stayed wrong.
  it('recounts when a decision already applied is delivered again (its first recount failed)', async () => {
    const { service, comments, thread, recounts, sent, failNextRecount } = setup();
    comments.docs.set(COMMENT, pending());
    failNextRecount();
    const approve = decision();
    await expect(run(() => service.applyDecision(approve))).rejects.toThrow('during the recount');
    expect(comments.docs.get(COMMENT)!.status).toBe('approved');
    expect(thread.commentCount).toBe(0);

    await run(() => service.applyDecision(approve));
    expect(recounts).toEqual([1]);
    expect(thread.commentCount).toBe(1);
    // Its event is sent again too: the first send may be what failed.
    expect(sent.map((e) => [e.type, e.payload.commentId])).toEqual([
      ['comment.approved', COMMENT],
      ['comment.approved', COMMENT],
    ]);
  });

  // Issue 13, defect 10: decisions were ordered by their decidedAt, the clock of whichever
  // moderation instance decided; a moderator's later decision from an instance whose clock is
  // behind was dropped as "older".
  it('orders decisions by the journal sequence, not by the deciding instance clock', async () => {
    const { service, comments } = setup();
    comments.docs.set(COMMENT, pending());
    const now = Date.now();
    await run(() => service.applyDecision(decision({ decision: 'hold', rule: 'suspect_words', reason: 'held', decidedAt: new Date(now), decisionSeq: 1 })));
    expect(comments.docs.get(COMMENT)).toMatchObject({ status: 'held', decisionSeq: 1 });
    // The moderator's approval, decided later on an instance whose clock is 5 s behind.
    await run(() => service.applyDecision(decision({ rule: 'moderator', reason: 'fine', decidedAt: new Date(now - 5_000), decisionSeq: 2 })));
    expect(comments.docs.get(COMMENT)).toMatchObject({ status: 'approved', decisionSeq: 2 });
    // The rules' verdict delivered again changes nothing, whatever its time says.
    await run(() => service.applyDecision(decision({ decision: 'hold', rule: 'suspect_words', reason: 'held', decidedAt: new Date(now), decisionSeq: 1 })));
    expect(comments.docs.get(COMMENT)).toMatchObject({ status: 'approved', decisionSeq: 2 });
  });

  // Issue 13, defect 9: a retry was judged again before it was replayed, so a retry after the
  // thread closed got 409 although the comment it stands for had been stored.
  it('replays an idempotent retry before judging it again: the thread closed meanwhile', async () => {
    const { service, thread, sent } = setup();
    const first = await run(() => service.submit(ARTICLE, { body: 'The hearing is on Monday.' }, reader, 'key-1'));
    thread.state = 'closed';
    const retried = await run(() => service.submit(ARTICLE, { body: 'The hearing is on Monday.' }, reader, 'key-1'));
    expect(retried).toEqual(first);
    // Still pending: perhaps its event never left (the reason a client retries), so it is announced again.
    expect(sent.map((e) => [e.type, e.payload.commentId])).toEqual([
      ['comment.submitted', first.id],
      ['comment.submitted', first.id],
    ]);
    // The same event again, not a second one: consumers and the reconciliation see one announcement.
    expect(new Set(sent.map((e) => e.id)).size).toBe(1);
    await expect(run(() => service.submit(ARTICLE, { body: 'Another one.' }, reader, 'key-2'))).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('recounts when its deleter retries a delete whose first recount failed', async () => {
    const { service, comments, thread, recounts, failNextRecount } = setup();
    comments.docs.set(COMMENT, pending({ status: 'approved' }));
    thread.commentCount = 1;
    failNextRecount();
    await expect(run(() => service.remove(COMMENT, reader))).rejects.toThrow('during the recount');
    expect(thread.commentCount).toBe(1);
    await expect(run(() => service.remove(COMMENT, reader))).rejects.toMatchObject({ kind: 'not_found' });
    expect(recounts).toEqual([0]);
    expect(thread.commentCount).toBe(0);
  });
});
