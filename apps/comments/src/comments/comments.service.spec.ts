import { Logger } from '@nestjs/common';
import { Actor, ImportCommentsInput } from '@app/contracts';
import { EventPublisher } from '@app/kafka';
import { runWithCorrelation } from '@app/observability';
import { ThreadRecord } from '../threads/threads.repository';
import { ThreadsService } from '../threads/threads.service';
import { CommentDocument } from './comment.schema';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';
import { ThreadReadModel } from './thread-read.model';

const ARTICLE = '3f0c8f5e-8a39-4c3f-9d1e-2a7f6b0c1d2e';
const admin: Actor = { id: 'admin-1', name: 'Ada Admin', roles: ['admin'] };

/** The comments collection in memory: unique (articleId, importKey), approved comments oldest first. */
class MemoryComments {
  readonly docs: CommentDocument[] = [];

  async importedByKey(articleId: string, keys: string[]) {
    return new Map(this.docs.filter((d) => d.articleId === articleId && keys.includes(d.importKey)).map((d) => [d.importKey, { _id: d._id, depth: d.depth ?? 0 }]));
  }

  async insertNew(comments: CommentDocument[]) {
    // As stored: stamped with the version (updatedAt) the outbox clearing is conditional on.
    const inserted = comments
      .filter((c) => !this.docs.some((d) => d.articleId === c.articleId && d.importKey === c.importKey))
      .map((c) => ({ ...c, updatedAt: new Date() }));
    this.docs.push(...inserted);
    return inserted;
  }

  readonly outboxed: Pick<CommentDocument, '_id' | 'outbox'>[] = [];

  async leaveToOutbox(comments: Pick<CommentDocument, '_id' | 'outbox'>[]) {
    this.outboxed.push(...comments);
  }

  async pageApproved(articleId: string, after: { postedAt: Date; id: string } | undefined, limit: number) {
    return this.docs
      .filter((d) => d.articleId === articleId && d.status === 'approved')
      .sort((a, b) => a.postedAt.getTime() - b.postedAt.getTime() || a._id.localeCompare(b._id))
      .filter((d) => !after || d.postedAt > after.postedAt || (d.postedAt.getTime() === after.postedAt.getTime() && d._id > after.id))
      .slice(0, limit);
  }

  async countApproved(articleId: string) {
    return this.docs.filter((d) => d.articleId === articleId && d.status === 'approved').length;
  }
}

function setup(state: ThreadRecord['state'] = 'archived') {
  const comments = new MemoryComments();
  const thread = { _id: ARTICLE, state, commentCount: 0, closesAt: new Date('2015-08-04T09:30:00Z'), archivesAt: new Date('2015-08-20T09:30:00Z') } as ThreadRecord;
  const threads = {
    findRecent: async () => thread,
    findReadable: async () => thread,
    recount: async (_id: string, count: () => Promise<number>) => (thread.commentCount = await count()),
  };
  type Sent = { id: string; type: string; payload: { commentId: string } };
  const broker = { acknowledges: true };
  const publisher = { publishWithin: jest.fn(async (_events: Sent[], _timeoutMs: number): Promise<boolean> => broker.acknowledges) };
  // The read model's pages are the repository's pages (what it serves while its listener is not live).
  const readModel = { forget: jest.fn(), page: (...args: Parameters<MemoryComments['pageApproved']>) => comments.pageApproved(...args) };
  const service = new CommentsService(
    comments as unknown as CommentsRepository,
    threads as unknown as ThreadsService,
    readModel as unknown as ThreadReadModel,
    publisher as unknown as EventPublisher,
  );
  return { comments, service, publisher, broker };
}

const batch = (...ids: number[]): ImportCommentsInput => ({
  comments: ids.map((n) => ({ externalId: `c${n}`, authorName: `Reader ${n}`, postedAt: new Date(Date.UTC(2015, 6, 21, 12, n)), body: `Comment ${n}` })),
});

const run = <T>(work: () => Promise<T>) => runWithCorrelation({ correlationId: 'test' }, work);

describe('CommentsService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('imports comments approved with their event, and skips the ones the thread holds already (announcing them again)', async () => {
    const { comments, service, publisher } = setup();
    expect(await run(() => service.import(ARTICLE, batch(1, 2, 3), admin))).toEqual({ articleId: ARTICLE, imported: 3, skipped: 0, commentCount: 3 });
    expect(await run(() => service.import(ARTICLE, batch(1, 2, 3), admin))).toEqual({ articleId: ARTICLE, imported: 0, skipped: 3, commentCount: 3 });
    expect(await run(() => service.import(ARTICLE, batch(3, 4), admin))).toEqual({ articleId: ARTICLE, imported: 1, skipped: 1, commentCount: 4 });
    const first = comments.docs[0]!;
    expect(first).toMatchObject({ status: 'approved', source: 'import', externalId: 'c1', importKey: 'import:c1', author: { name: 'Reader 1' }, outbox: [] });
    // One request per import, waited for; what was stored already is announced again (a retry
    // after an importer that died before the acknowledgement), the same event ids each time.
    const sent = publisher.publishWithin.mock.calls.map(([events]) => events);
    expect(sent.map((events) => events.map((e) => e.payload.commentId))).toEqual([
      comments.docs.slice(0, 3).map((d) => d._id),
      comments.docs.slice(0, 3).map((d) => d._id),
      [comments.docs[2]!._id, comments.docs[3]!._id],
    ]);
    expect(sent[0]![0]).toEqual(
      expect.objectContaining({ type: 'comment.imported', key: ARTICLE, payload: expect.objectContaining({ commentId: first._id, externalId: 'c1', status: 'approved', source: 'import' }) }),
    );
    expect(sent[1]!.map((e) => e.id)).toEqual(sent[0]!.map((e) => e.id));
    expect(comments.outboxed).toEqual([]);
  });

  it('hands the events of what it stored to the outbox when the broker does not acknowledge', async () => {
    const { comments, service, broker } = setup();
    await run(() => service.import(ARTICLE, batch(1), admin));
    broker.acknowledges = false;
    await run(() => service.import(ARTICLE, batch(1, 2), admin));
    expect(comments.outboxed.map((c) => [c._id, c.outbox.map((e) => e.type)])).toEqual([[comments.docs[1]!._id, ['comment.imported']]]);
  });

  it('keeps replies on their parents across batches, in either order, with the source given', async () => {
    const { comments, service } = setup();
    const reply = (externalId: string, parentExternalId: string, n: number) => ({
      externalId, parentExternalId, authorName: `Reader ${n}`, postedAt: new Date(Date.UTC(2015, 6, 21, 13, n)), body: `Reply ${n}`,
    });
    // The reply arrives before its parent; its grandchild in the same batch.
    await run(() => service.import(ARTICLE, { source: 'import:disqus', comments: [reply('disqus:2', 'disqus:1', 2), reply('disqus:3', 'disqus:2', 3)] }, admin));
    await run(() => service.import(ARTICLE, { source: 'import:disqus', comments: [{ ...batch(1).comments[0]!, externalId: 'disqus:1' }] }, admin));
    const byExternal = new Map(comments.docs.map((d) => [d.externalId, d]));
    expect(byExternal.get('disqus:2')!.parentId).toBe(byExternal.get('disqus:1')!._id);
    expect(byExternal.get('disqus:3')!.parentId).toBe(byExternal.get('disqus:2')!._id);
    expect([...byExternal.values()].map((d) => [d.externalId, d.source, d.depth])).toEqual([
      ['disqus:2', 'import:disqus', 1],
      ['disqus:3', 'import:disqus', 2],
      ['disqus:1', 'import:disqus', 0],
    ]);
    // A later reply to a stored comment sits one below it.
    await run(() => service.import(ARTICLE, { comments: [reply('disqus:4', 'disqus:3', 4)] }, admin));
    expect(comments.docs.at(-1)).toMatchObject({ parentId: byExternal.get('disqus:3')!._id, depth: 3, source: 'import' });
  });

  it('answers a dry run with what it would store, and stores nothing', async () => {
    const { comments, service, publisher } = setup();
    await run(() => service.import(ARTICLE, batch(1), admin));
    expect(await run(() => service.import(ARTICLE, { ...batch(1, 2, 3), dryRun: true }, admin))).toEqual({
      articleId: ARTICLE, imported: 2, skipped: 1, commentCount: 1, dryRun: true,
    });
    expect(comments.docs).toHaveLength(1);
    expect(publisher.publishWithin).toHaveBeenCalledTimes(1);
  });

  it('refuses to import into a hidden thread', async () => {
    const { service } = setup('hidden');
    await expect(run(() => service.import(ARTICLE, batch(1), admin))).rejects.toMatchObject({ kind: 'conflict', code: 'thread_hidden' });
  });

  it('reads the thread oldest first, page by page, with the whole count', async () => {
    const { service } = setup();
    await run(() => service.import(ARTICLE, batch(3, 1, 2), admin));
    const first = await service.readThread(ARTICLE, { limit: 2 });
    expect(first).toMatchObject({ state: 'archived', commentCount: 3, closesAt: '2015-08-04T09:30:00.000Z' });
    expect(first.comments.map((c) => c.author?.name)).toEqual(['Reader 1', 'Reader 2']);
    const second = await service.readThread(ARTICLE, { limit: 2, cursor: first.nextCursor! });
    expect(second.comments.map((c) => [c.author?.name, c.postedAt])).toEqual([['Reader 3', '2015-07-21T12:03:00.000Z']]);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not give out', async () => {
    const { service } = setup();
    for (const cursor of ['nonsense', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
      await expect(service.readThread(ARTICLE, { limit: 2, cursor })).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_cursor' });
    }
  });
});
