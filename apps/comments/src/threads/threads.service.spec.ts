import { Actor, ArticlePublishedPayload, DomainError } from '@app/contracts';
import { OutboxRelay, PendingOutbox } from '@app/kafka';
import { runWithCorrelation } from '@app/observability';
import { ThreadChangeDocument } from './thread-change.schema';
import { ThreadSnapshot } from './thread.schema';
import { ThreadRecord, ThreadsRepository } from './threads.repository';
import { ThreadStateCache } from './thread-state.cache';
import { ThreadsService } from './threads.service';

const DAY = 86_400_000;

/**
 * The repository's contract in memory, the way both MongoDB and FerretDB keep it: inserting a
 * change whose id exists fails (unique key), and every call yields to the event loop, so
 * concurrent callers interleave as they would against a database.
 */
class MemoryRepository {
  readonly threads = new Map<string, ThreadRecord>();
  readonly changes = new Map<string, ThreadChangeDocument>();
  private readonly tick = () => new Promise((resolve) => setImmediate(resolve));

  async findById(id: string) {
    await this.tick();
    const thread = this.threads.get(id);
    return thread ? structuredClone(thread) : null;
  }

  async insertChange(change: ThreadChangeDocument) {
    await this.tick();
    if (this.changes.has(change._id)) return false;
    this.changes.set(change._id, structuredClone(change));
    return true;
  }

  async latestChange(articleId: string) {
    await this.tick();
    const mine = [...this.changes.values()].filter((c) => c.articleId === articleId).sort((a, b) => b.seq - a.seq);
    return mine[0] ? { seq: mine[0].seq, snapshot: structuredClone(mine[0].snapshot) } : null;
  }

  async applySnapshot(id: string, snapshot: ThreadSnapshot) {
    await this.tick();
    const current = this.threads.get(id);
    if (!current || current.seq < snapshot.seq) this.threads.set(id, { _id: id, ...structuredClone(snapshot) });
  }

  /** Thread documents made by insert (a thread's first change), by id. */
  readonly created: string[] = [];
  async createThread(id: string, snapshot: ThreadSnapshot) {
    await this.tick();
    if (this.threads.has(id)) return this.applySnapshot(id, snapshot);
    this.created.push(id);
    this.threads.set(id, { _id: id, ...structuredClone(snapshot) });
  }

  async auditOf(articleId: string) {
    return [...this.changes.values()].filter((c) => c.articleId === articleId).sort((a, b) => a.seq - b.seq).flatMap((c) => c.audit);
  }

  /** Every event committed for a story, in commit order. */
  events(articleId: string) {
    return [...this.changes.values()]
      .filter((c) => c.articleId === articleId)
      .sort((a, b) => a.seq - b.seq)
      .flatMap((c) => c.outbox as { type: string; id: string; payload: Record<string, any> }[]);
  }
}

class RecordingRelay {
  readonly published: PendingOutbox[] = [];
  publishSoon(pending: PendingOutbox) {
    this.published.push(pending);
  }
}

const article = (overrides: Partial<ArticlePublishedPayload> = {}): ArticlePublishedPayload => ({
  articleId: '3f0c8f5e-8a39-4c3f-9d1e-2a7f6b0c1d2e',
  revision: 1,
  slug: 'state-commits-resources',
  title: 'State Commits Resources To Reduce Violence in Hartford',
  byline: 'Christine Stuart',
  categories: [],
  tags: [],
  photoCredits: [],
  publishedAt: new Date(),
  commentPolicy: { closeAfterDays: 14, archiveAfterDays: 30, preModeration: false },
  ...overrides,
});

const moderator: Actor = { id: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] };

function setup(cache = new ThreadStateCache({ maxBytes: 0, maxAgeMs: 0 })) {
  const repository = new MemoryRepository();
  const relay = new RecordingRelay();
  const service = new ThreadsService(repository as unknown as ThreadsRepository, relay as unknown as OutboxRelay, cache);
  return { repository, relay, service };
}

const types = (repository: MemoryRepository, id: string) => repository.events(id).map((e) => `${e.payload.seq} ${e.type} ${e.payload.reason}`);

describe('ThreadsService', () => {
  const run = <T>(work: () => Promise<T>) => runWithCorrelation({ correlationId: 'test' }, work);

  it('opens a thread once, however often article.published is delivered, even at the same time', async () => {
    const { repository, service, relay } = setup();
    const a = article();
    await run(() => Promise.all([service.open(a), service.open(a), service.open(a)]));
    await run(() => service.open(a));
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published']);
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'open', seq: 1, commentCount: 0 });
    expect(relay.published).toHaveLength(1);
  });

  it('opens an old story straight through closed to archived, in one change with three events in order', async () => {
    const { repository, service } = setup();
    const a = article({ publishedAt: new Date('2015-07-21T09:30:00Z') });
    await run(() => service.open(a));
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.closed expired', '3 thread.archived expired']);
    expect(repository.changes.size).toBe(1);
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'archived', seq: 3, nextTransitionAt: null });
  });

  it('stores an old story\'s thread with inserts only: one change, one new document, its events handed over together', async () => {
    const { repository, service, relay } = setup();
    const a = article({ publishedAt: new Date('2012-03-01T08:00:00Z') });
    const applied = jest.spyOn(repository, 'applySnapshot');
    await run(() => service.open(a));
    expect(repository.created).toEqual([a.articleId]);
    expect(applied).not.toHaveBeenCalled();
    expect(relay.published).toHaveLength(1);
    expect(relay.published[0]!.events.map((e) => e.type)).toEqual(['thread.opened', 'thread.closed', 'thread.archived']);
    // Every event carries the thread as it was after its own step; the last one, the final state.
    expect(relay.published[0]!.events.map((e) => (e.payload as { state: string }).state)).toEqual(['open', 'closed', 'archived']);
    // Delivered again: nothing more.
    await run(() => service.open(a));
    expect(relay.published).toHaveLength(1);
    expect(await run(() => service.advance(repository.threads.get(a.articleId)!))).toBe(0);
  });

  it('opens a story past its close but not its archive date as closed, due to archive at archivesAt', async () => {
    const { repository, service } = setup();
    const a = article({ publishedAt: new Date(Date.now() - 20 * DAY) });
    await run(() => service.open(a));
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.closed expired']);
    const thread = repository.threads.get(a.articleId)!;
    expect(thread).toMatchObject({ state: 'closed', closedReason: 'expired', seq: 2 });
    expect(thread.nextTransitionAt).toEqual(thread.archivesAt);
  });

  it('opens a story whose deadlines are ahead as open, and leaves its close to the sweep', async () => {
    const { repository, service } = setup();
    const a = article({ publishedAt: new Date(Date.now() - DAY) });
    await run(() => service.open(a));
    const thread = repository.threads.get(a.articleId)!;
    expect(thread).toMatchObject({ state: 'open', seq: 1 });
    expect(thread.nextTransitionAt).toEqual(thread.closesAt);
    expect(await run(() => service.advance(thread))).toBe(0);
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published']);
  });

  it('opens nothing again for a story whose document a crash left behind its log: the log is rolled forward', async () => {
    const { repository, service, relay } = setup();
    const a = article({ publishedAt: new Date('2012-03-01T08:00:00Z') });
    await run(() => service.open(a));
    repository.threads.delete(a.articleId);
    await run(() => service.open(a));
    expect(repository.changes.size).toBe(1);
    expect(relay.published).toHaveLength(1);
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'archived', seq: 3 });
  });

  it('lets exactly one of several sweeps racing on a due thread make each transition', async () => {
    const { repository, service } = setup();
    const a = article({ publishedAt: new Date(Date.now() - DAY + 50), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2, preModeration: false } });
    await run(() => service.open(a));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const due = repository.threads.get(a.articleId)!;
    const written = await run(() => Promise.all([1, 2, 3, 4].map(() => service.advance(structuredClone(due)))));
    expect(written.sort()).toEqual([0, 0, 0, 1]);
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.closed expired']);
    // A sweep working from a stale copy finds the change committed and does nothing.
    expect(await run(() => service.advance(structuredClone(due)))).toBe(0);
  });

  it('records who closed, reopened and archived by hand, with their note, and refuses what the state does not allow', async () => {
    const { repository, service } = setup();
    const a = article();
    await run(() => service.open(a));
    const closed = await run(() => service.act(a.articleId, 'close', moderator, 'Flame war'));
    expect(closed).toMatchObject({ state: 'closed', closedReason: 'manual' });
    await expect(run(() => service.act(a.articleId, 'close', moderator))).rejects.toMatchObject({ kind: 'conflict', code: 'invalid_thread_transition' });
    await run(() => service.act(a.articleId, 'reopen', moderator));
    const archived = await run(() => service.act(a.articleId, 'archive', moderator, 'Story is final'));
    expect(archived.audit.map((e) => [e.seq, e.event, e.actor?.name ?? null, e.note ?? null])).toEqual([
      [1, 'thread.opened', null, null],
      [2, 'thread.closed', 'Mona Moderator', 'Flame war'],
      [3, 'thread.reopened', 'Mona Moderator', null],
      [4, 'thread.closed', 'Mona Moderator', 'Story is final'],
      [5, 'thread.archived', 'Mona Moderator', 'Story is final'],
    ]);
    const error = await run(() => service.act(a.articleId, 'reopen', moderator)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(repository.events(a.articleId)[1]!.payload).toMatchObject({ actor: moderator, note: 'Flame war' });
  });

  it('makes only one of two moderators racing to close the thread succeed', async () => {
    const { repository, service } = setup();
    const a = article();
    await run(() => service.open(a));
    const results = await run(() =>
      Promise.allSettled([service.act(a.articleId, 'close', moderator), service.act(a.articleId, 'close', { ...moderator, id: 'mod-2' })]),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.closed manual']);
  });

  it('counts after reading the thread, and announces only a changed count', async () => {
    const { repository, service } = setup();
    const a = article();
    await run(() => service.open(a));
    expect(await run(() => service.recount(a.articleId, async () => 4, 'comments_imported'))).toBe(4);
    expect(await run(() => service.recount(a.articleId, async () => 4, 'comments_imported'))).toBe(4);
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.count_changed comments_imported']);
    expect(repository.events(a.articleId)[1]!.payload.commentCount).toBe(4);
  });

  it('hides the thread on unpublish, after which nothing moves it', async () => {
    const { repository, service } = setup();
    const a = article({ publishedAt: new Date(Date.now() - DAY), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2, preModeration: false } });
    await run(() => service.open(a));
    await run(() => service.hide({ articleId: a.articleId, revision: 2, unpublishedAt: new Date() }));
    await run(() => service.hide({ articleId: a.articleId, revision: 2, unpublishedAt: new Date() }));
    expect(await run(() => service.advance(repository.threads.get(a.articleId)!))).toBe(0);
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.closed expired', '3 thread.hidden unpublished']);
    await expect(run(() => service.findReadable(a.articleId))).rejects.toMatchObject({ code: 'thread_not_found' });
  });

  it('catches the thread document up with its log when a crash left it behind', async () => {
    const { repository, service } = setup();
    const a = article();
    await run(() => service.open(a));
    await run(() => service.act(a.articleId, 'close', moderator));
    // The document still says open (as if the process died between the commit and the update).
    repository.threads.set(a.articleId, { ...repository.threads.get(a.articleId)!, state: 'open', seq: 1 });
    const refused = await run(() => service.act(a.articleId, 'close', moderator)).catch((e: DomainError) => e.code);
    expect(refused).toBe('invalid_thread_transition');
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'closed', seq: 2 });
  });

  it('moves the deadlines on article.updated, ignoring older revisions, and reopens a thread that had expired', async () => {
    const { repository, service } = setup();
    const a = article({ publishedAt: new Date(Date.now() - 3 * DAY), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 30, preModeration: false } });
    await run(() => service.open(a));
    await run(() => service.applyUpdate({ ...a, revision: 2, commentPolicy: { ...a.commentPolicy, closeAfterDays: 7 } }));
    await run(() => service.applyUpdate({ ...a, revision: 2, commentPolicy: { ...a.commentPolicy, closeAfterDays: 2 } }));
    expect(types(repository, a.articleId)).toEqual(['1 thread.opened published', '2 thread.closed expired', '3 thread.reopened rescheduled']);
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'open', articleRevision: 2 });
  });

  // Issue 13, defect 5: with two comments instances, one held the thread as it read it (count 3)
  // while the other stored count 5; a recount finding 3 again compared it with the stale copy and
  // changed nothing, so the stored count stayed 5 for good.
  it('stores a recount equal to a stale cached count when the stored thread moved on meanwhile', async () => {
    const cache = new ThreadStateCache({ maxBytes: 100_000, maxAgeMs: 60_000 });
    cache.setLive(true);
    const { repository, service } = setup(cache);
    const a = article();
    await run(() => service.open(a));
    expect(await run(() => service.recount(a.articleId, async () => 3))).toBe(3);
    // This instance now holds the thread at count 3; another instance commits count 5.
    const held = await run(() => service.findRecent(a.articleId));
    expect(held.commentCount).toBe(3);
    const other = new ThreadsService(repository as unknown as ThreadsRepository, new RecordingRelay() as unknown as OutboxRelay, new ThreadStateCache({ maxBytes: 0, maxAgeMs: 0 }));
    expect(await run(() => other.recount(a.articleId, async () => 5))).toBe(5);
    expect((await run(() => service.findRecent(a.articleId))).commentCount).toBe(3);

    expect(await run(() => service.recount(a.articleId, async () => 3))).toBe(3);
    expect(repository.threads.get(a.articleId)).toMatchObject({ commentCount: 3, seq: 4 });
    expect(types(repository, a.articleId).slice(-1)).toEqual(['4 thread.count_changed comments_changed']);
  });

  // Issue 13, defect 8: the close was committed to the log, its document write failed, and the
  // close was announced anyway (publishing sat in a finally) while posts, reading the document,
  // were still accepted.
  it('announces a change only once its thread document shows it; the relay rolls the document forward first', async () => {
    const { repository, service, relay } = setup();
    const a = article();
    await run(() => service.open(a));
    const published = relay.published.length;
    const apply = repository.applySnapshot.bind(repository);
    repository.applySnapshot = async () => {
      throw new Error('database went away');
    };
    await expect(run(() => service.act(a.articleId, 'close', moderator))).rejects.toThrow('database went away');
    expect(relay.published).toHaveLength(published);
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'open', seq: 1 });

    // The relay's poll: the close is still pending in the log, and its document is brought up to
    // it before the events are handed out.
    repository.applySnapshot = apply;
    const { ThreadChangesOutbox } = await import('./thread-changes.outbox');
    const pending = [...repository.changes.values()].filter((c) => c.seq === 2);
    const model = { find: () => ({ sort: () => ({ limit: () => ({ lean: async () => pending }) }) }) };
    const store = new ThreadChangesOutbox(model as never, (id, snapshot) => repository.applySnapshot(id, snapshot));
    const found = await store.findPending(new Date(), 10);
    expect(found.map((f) => f.events.map((e) => e.type))).toEqual([['thread.closed']]);
    expect(repository.threads.get(a.articleId)).toMatchObject({ state: 'closed', seq: 2 });
    await expect(run(() => service.findReadable(a.articleId))).resolves.toMatchObject({ state: 'closed' });
  });
});
