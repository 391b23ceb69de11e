import { ChildProcess } from 'node:child_process';
import { TOPICS } from '@app/contracts';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { eventsWithIds as eventsOn, readTopic, TopicEvent } from '../support/kafka';
import { withDatabase } from '../support/mongo';
import { freePort, startService, stopProcess, system, tailLog, waitReady } from '../support/services';

/**
 * The thread lifecycle end to end (docs/lifecycle.md): open → closed → archived by the sweep and
 * by hand, hidden on unpublish, imports and counts, through the gateway, on the real broker and
 * database. The harness runs the comments service with THREAD_SWEEP_INTERVAL_MS=500; deadlines
 * come from publishedAt, so stories are published "a day ago plus a few seconds" to expire soon.
 */

const DAY = 86_400_000;
const moderator = () => tokenFor({ sub: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] });
const admin = () => tokenFor({ sub: 'admin-1', name: 'Ada Admin', roles: ['admin'] });

type Event = TopicEvent;

async function publish(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput(overrides) });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

const thread = async (id: string) => (await api('GET', `/api/v1/articles/${id}/comments`)).body;
const staffView = async (id: string) => (await api('GET', `/api/v1/articles/${id}/thread`, { token: moderator() })).body;

async function waitForState(id: string, state: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const body = await thread(id);
      expect(body.state).toBe(state);
      return body;
    },
    { timeoutMs },
  );
}

/**
 * The ids of the thread events this run's comments service committed for a story (its change
 * log). The topics are shared: another system consuming the same articles.events (a concurrent
 * test run) announces its own threads for our stories, under other event ids.
 */
async function committedEventIds(articleIds: string[]): Promise<Set<string>> {
  const changes = await withDatabase('comments', (db) => db.collection('thread_changes').find({ articleId: { $in: articleIds } }).toArray());
  return new Set(changes.flatMap((change) => (change.eventIds as string[] | undefined) ?? []));
}

/**
 * One story's thread.* events as they first reached the topic, each once (delivery is at least
 * once, so a copy with the same id may follow), once at least `atLeast` were committed.
 */
async function threadEvents(id: string, atLeast: number): Promise<Event[]> {
  const ours = await eventually(async () => {
    const ids = await committedEventIds([id]);
    expect(ids.size).toBeGreaterThanOrEqual(atLeast);
    return ids;
  });
  return eventsWithIds(ours, (key) => key === id);
}

/** The events with these ids from the comments topic, in first-arrival order; waits for all of them. */
async function eventsWithIds(ids: Set<string>, keyFilter: (key: string) => boolean): Promise<Event[]> {
  const events = await eventsOn(TOPICS.COMMENTS, ids, keyFilter);
  expect(events.length).toBe(ids.size);
  return events;
}

/**
 * A story's events by seq: what consumers go by. Events of one change (e.g. closed and archived
 * together) are published together, in order; separate changes are published as they commit, and
 * a consumer must not rely on more than their seq.
 */
const summary = (events: Event[]) =>
  [...events].sort((a, b) => a.payload.seq - b.payload.seq).map((e) => `${e.payload.seq} ${e.type} ${e.payload.state} ${e.payload.reason}`);

describe('thread lifecycle: automatic transitions', () => {
  it('takes an old story straight through closed to archived, events in order', async () => {
    const id = await publish({ publishedAt: '2015-07-21T09:30:00Z' });
    const body = await waitForState(id, 'archived');
    expect(body).toMatchObject({ closesAt: '2015-08-04T09:30:00.000Z', archivesAt: '2015-08-20T09:30:00.000Z', commentCount: 0, comments: [] });

    const events = await threadEvents(id, 3);
    expect(summary(events)).toEqual(['1 thread.opened open published', '2 thread.closed closed expired', '3 thread.archived archived expired']);
    // One change, so one publication: the topic delivers them in that order too.
    expect(events.map((e) => e.type)).toEqual(['thread.opened', 'thread.closed', 'thread.archived']);
    expect(events.every((e) => e.payload.commentCount === 0 && e.payload.actor === undefined)).toBe(true);

    // The articles side follows from the events: state and a count that is a number, even zero.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments).toEqual({ count: 0, state: 'archived' }));
    expect((await staffView(id)).audit.map((a: { event: string; reason: string }) => `${a.event} ${a.reason}`)).toEqual([
      'thread.opened published',
      'thread.closed expired',
      'thread.archived expired',
    ]);
  });

  it('closes when the commenting window ends and archives when the archive time comes (the sweep)', async () => {
    // The window ends 20 s from now: time for the thread to open under a loaded CI, then the sweep closes it.
    const publishedAt = new Date(Date.now() - DAY + 20_000);
    const id = await publish({ publishedAt: publishedAt.toISOString(), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2 } });
    expect((await waitForState(id, 'open', 18_000)).closesAt).toBe(new Date(publishedAt.getTime() + DAY).toISOString());
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments).toEqual({ count: 0, state: 'open' }));

    await waitForState(id, 'closed');
    expect(await staffView(id)).toMatchObject({ closedReason: 'expired', nextTransitionAt: new Date(publishedAt.getTime() + 2 * DAY).toISOString() });

    // Moving publishedAt back a day moves both deadlines: the window stays over (no reopening) and
    // the archive time comes a few seconds from now.
    const earlier = new Date(publishedAt.getTime() - DAY + 4_000);
    const patched = await api('PATCH', `/api/v1/articles/${id}`, { token: editorToken(), body: { publishedAt: earlier.toISOString() } });
    expect(patched.status).toBe(200);
    await eventually(async () => expect((await thread(id)).archivesAt).toBe(new Date(earlier.getTime() + 2 * DAY).toISOString()));
    await waitForState(id, 'archived');

    const events = await threadEvents(id, 4);
    expect(summary(events)).toEqual([
      '1 thread.opened open published',
      '2 thread.closed closed expired',
      '3 thread.rescheduled closed rescheduled',
      '4 thread.archived archived expired',
    ]);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments.state).toBe('archived'));
  });

  it('reopens a thread that expired when the story gets a longer window', async () => {
    const id = await publish({ publishedAt: new Date(Date.now() - 3 * DAY).toISOString(), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 30 } });
    await waitForState(id, 'closed');
    await api('PATCH', `/api/v1/articles/${id}`, { token: editorToken(), body: { commentPolicy: { closeAfterDays: 7 } } });
    await waitForState(id, 'open');
    const events = await threadEvents(id, 3);
    expect(summary(events)).toEqual(['1 thread.opened open published', '2 thread.closed closed expired', '3 thread.reopened open rescheduled']);
  });
});

describe('thread lifecycle: manual control', () => {
  it('closes, reopens and archives by hand, audited with who, when and why; refuses what the state does not allow', async () => {
    const id = await publish();
    await waitForState(id, 'open');
    const path = (action: string) => `/api/v1/articles/${id}/thread/${action}`;

    // Who may: moderators and editors (and admins); nobody else.
    expect((await api('POST', path('close'))).status).toBe(401);
    const reader = await api('POST', path('close'), { token: tokenFor({ roles: ['reader'] }) });
    expect([reader.status, reader.body.code]).toEqual([403, 'forbidden']);
    expect((await api('POST', path('close'), { token: moderator(), body: { reason: 'x'.repeat(1001) } })).status).toBe(400);
    expect((await api('POST', path('close'), { token: moderator(), body: { why: 'typo' } })).status).toBe(400);

    const closed = await api('POST', path('close'), { token: moderator(), body: { reason: 'Flame war in the replies' } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', closedReason: 'manual' });

    const again = await api('POST', path('close'), { token: moderator() });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'invalid_thread_transition', message: 'cannot close the thread: the thread is already closed' });

    const reopened = await api('POST', path('reopen'), { token: editorToken(), body: { reason: 'Calmer now' } });
    expect([reopened.status, reopened.body.state]).toEqual([200, 'open']);
    expect((await api('POST', path('reopen'), { token: editorToken() })).status).toBe(409);

    const archived = await api('POST', path('archive'), { token: tokenFor({ sub: 'admin-1', name: 'Ada Admin', roles: ['admin'] }) });
    expect([archived.status, archived.body.state]).toEqual([200, 'archived']);
    for (const action of ['reopen', 'close', 'archive']) {
      const refused = await api('POST', path(action), { token: moderator() });
      expect({ action, status: refused.status, code: refused.body.code }).toEqual({ action, status: 409, code: 'invalid_thread_transition' });
    }
    expect((await api('POST', path('reopen'), { token: moderator() })).body.message).toBe('cannot reopen the thread: the thread is archived, which is final');

    // The audit trail, on the thread and in the events.
    const audit = (await staffView(id)).audit as { seq: number; event: string; reason: string; actor?: { id: string; name: string }; note?: string; at: string }[];
    expect(audit.map((a) => [a.seq, a.event, a.reason, a.actor?.name ?? null, a.note ?? null])).toEqual([
      [1, 'thread.opened', 'published', null, null],
      [2, 'thread.closed', 'manual', 'Mona Moderator', 'Flame war in the replies'],
      [3, 'thread.reopened', 'manual', 'Christine Stuart', 'Calmer now'],
      [4, 'thread.closed', 'manual', 'Ada Admin', null],
      [5, 'thread.archived', 'manual', 'Ada Admin', null],
    ]);
    expect(audit.every((a) => Math.abs(Date.parse(a.at) - Date.now()) < 120_000)).toBe(true);

    const events = await threadEvents(id, 5);
    expect(summary(events)).toEqual([
      '1 thread.opened open published',
      '2 thread.closed closed manual',
      '3 thread.reopened open manual',
      '4 thread.closed closed manual',
      '5 thread.archived archived manual',
    ]);
    expect(events[1]!.payload).toMatchObject({ actor: { id: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] }, note: 'Flame war in the replies' });
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments.state).toBe('archived'));

    // Nobody's thread: 404.
    expect((await api('POST', '/api/v1/articles/6f1c1f52-5b43-4c9f-9d55-000000000000/thread/close', { token: moderator() })).status).toBe(404);
  });

  it('refuses to reopen a story archived by its policy', async () => {
    const id = await publish({ publishedAt: new Date(Date.now() - 3 * DAY).toISOString(), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2 } });
    await waitForState(id, 'archived');
    const refused = await api('POST', `/api/v1/articles/${id}/thread/reopen`, { token: moderator() });
    expect([refused.status, refused.body.code]).toEqual([409, 'invalid_thread_transition']);
  });

  it('hides the thread when the story is unpublished: no reads, no transitions', async () => {
    const id = await publish();
    await waitForState(id, 'open');
    expect((await api('DELETE', `/api/v1/articles/${id}`, { token: editorToken() })).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(404));
    expect((await staffView(id)).state).toBe('hidden');
    const refused = await api('POST', `/api/v1/articles/${id}/thread/close`, { token: moderator() });
    expect([refused.status, refused.body.code]).toEqual([409, 'invalid_thread_transition']);
    const events = await threadEvents(id, 2);
    expect(summary(events)).toEqual(['1 thread.opened open published', '2 thread.hidden hidden unpublished']);
    await eventually(async () =>
      expect((await api('GET', `/api/v1/articles/${id}`, { token: editorToken() })).body.comments).toEqual({ count: 0, state: 'hidden' }),
    );
  });
});

describe('thread lifecycle: two comments instances sweeping at once', () => {
  let second: ChildProcess | undefined;
  let secondPort = 0;

  afterAll(async () => {
    if (second?.pid) await stopProcess(second.pid);
  });

  it('commits and announces each transition exactly once', async () => {
    const sut = system();
    secondPort = await freePort();
    second = startService(sut, 'comments', secondPort);
    try {
      await waitReady(secondPort, 90_000);
    } catch (error) {
      console.error(tailLog({ ...sut, ports: { ...sut.ports, comments: secondPort } }, 'comments'));
      throw error;
    }

    // Both deadlines a few seconds ahead: each thread gets closed and archived by whichever
    // instance's sweep comes first; the other finds the change committed and does nothing.
    const count = 16;
    const deadline = Date.now() + 35_000;
    const publishedAt = new Date(deadline - DAY).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await publish({ publishedAt, commentPolicy: { closeAfterDays: 1, archiveAfterDays: 1 } }));
    // Every thread opens before its deadline, so the sweeps (not the opening) make the transitions.
    await eventually(
      async () => {
        const open = await withDatabase('comments', (db) => db.collection('threads').countDocuments({ _id: { $in: ids as never[] }, state: 'open' }));
        expect(open).toBe(count);
      },
      { timeoutMs: 30_000 },
    );
    expect(Date.now()).toBeLessThan(deadline);
    await eventually(
      async () => {
        const states = await withDatabase('comments', (db) => db.collection('threads').find({ _id: { $in: ids as never[] } }).toArray());
        expect(states.map((t) => t.state)).toEqual(ids.map(() => 'archived'));
      },
      { timeoutMs: 60_000 },
    );

    // One committed change per transition in the log…
    const changes = await withDatabase('comments', (db) =>
      db.collection('thread_changes').find({ articleId: { $in: ids } }).sort({ articleId: 1, seq: 1 }).toArray(),
    );
    for (const id of ids) {
      const mine = changes.filter((c) => c.articleId === id);
      expect(mine.map((c) => `${c.baseSeq}->${c.seq}`)).toEqual(['0->1', '1->3']);
    }
    // …and each committed event on the topic (copies of one event carry its id).
    const committed = await committedEventIds(ids);
    expect(committed.size).toBe(ids.length * 3);
    const events = await eventsWithIds(committed, (key) => ids.includes(key));
    const byType = (type: string) => events.filter((e) => e.type === type).map((e) => e.payload.articleId as string).sort();
    expect(byType('thread.closed')).toEqual([...ids].sort());
    expect(byType('thread.archived')).toEqual([...ids].sort());
    // Closed before archived, for every thread, as the topic delivers them.
    for (const id of ids) expect(events.filter((e) => e.key === id).map((e) => e.type)).toEqual(['thread.opened', 'thread.closed', 'thread.archived']);
  });
});

describe('importing comments', () => {
  const batch = (from: number, to: number) => ({
    comments: Array.from({ length: to - from + 1 }, (_, i) => ({
      externalId: `legacy-${from + i}`,
      authorName: `Reader ${from + i}`,
      postedAt: new Date(Date.UTC(2020, 0, 1, 12, from + i)).toISOString(),
      body: `Comment number ${from + i}`,
    })),
  });
  const importInto = (id: string, body: unknown, token = admin()) => api('POST', `/api/v1/articles/${id}/comments/import`, { token, body });

  it('stores comments approved, counts them, and changes nothing when the same batch comes again', async () => {
    const id = await publish();
    await waitForState(id, 'open');

    const first = await importInto(id, batch(1, 3));
    expect([first.status, first.body]).toEqual([200, { articleId: id, imported: 3, skipped: 0, commentCount: 3 }]);
    const again = await importInto(id, batch(1, 3));
    expect(again.body).toEqual({ articleId: id, imported: 0, skipped: 3, commentCount: 3 });
    const overlapping = await importInto(id, batch(3, 5));
    expect(overlapping.body).toEqual({ articleId: id, imported: 2, skipped: 1, commentCount: 5 });

    // Oldest first, page by page.
    const page1 = await api('GET', `/api/v1/articles/${id}/comments?limit=2`);
    expect(page1.body).toMatchObject({ state: 'open', commentCount: 5 });
    expect(page1.body.comments).toMatchObject([
      { id: expect.any(String), author: { name: 'Reader 1' }, body: 'Comment number 1', postedAt: '2020-01-01T12:01:00.000Z' },
      { id: expect.any(String), author: { name: 'Reader 2' }, body: 'Comment number 2', postedAt: '2020-01-01T12:02:00.000Z' },
    ]);
    const page2 = await api('GET', `/api/v1/articles/${id}/comments?limit=2&cursor=${page1.body.nextCursor}`);
    const page3 = await api('GET', `/api/v1/articles/${id}/comments?limit=2&cursor=${page2.body.nextCursor}`);
    expect([...page2.body.comments, ...page3.body.comments].map((c: { author: { name: string } }) => c.author.name)).toEqual(['Reader 3', 'Reader 4', 'Reader 5']);
    expect(page3.body.nextCursor).toBeNull();
    expect((await api('GET', `/api/v1/articles/${id}/comments?cursor=nonsense`)).status).toBe(400);
    expect((await api('GET', `/api/v1/articles/${id}/comments?limit=101`)).status).toBe(400);

    const stored = await withDatabase('comments', (db) => db.collection('comments').find({ articleId: id }).toArray());
    expect(stored).toHaveLength(5);
    expect(stored.every((c) => c.status === 'approved' && c.source === 'import' && c.importKey === `import:${c.externalId}`)).toBe(true);

    // One comment.imported per stored comment; the count reaches the story by events.
    const imported = await readTopic(
      TOPICS.COMMENTS,
      (m) => m.key === id && (m.value ?? '').includes('"comment.imported"'),
      (m) => new Set(m.map((x) => JSON.parse(x.value!).id)).size >= 5,
    );
    const payloads = [...new Map(imported.map((m) => [JSON.parse(m.value!).id, JSON.parse(m.value!).payload])).values()];
    expect(payloads.map((p) => p.externalId).sort()).toEqual(['legacy-1', 'legacy-2', 'legacy-3', 'legacy-4', 'legacy-5']);
    expect(payloads[0]).toMatchObject({ articleId: id, status: 'approved', source: 'import', author: { name: expect.stringMatching(/^Reader /) } });
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments).toEqual({ count: 5, state: 'open' }));
    const counted = (await threadEvents(id, 3)).filter((e) => e.type === 'thread.count_changed');
    expect(counted.map((e) => e.payload.commentCount)).toEqual([3, 5]);
  });

  it('imports into an archived thread: how a newsroom moves its archive in', async () => {
    const id = await publish({ publishedAt: '2016-01-01T00:00:00Z' });
    await waitForState(id, 'archived');
    expect((await importInto(id, batch(1, 2))).body).toMatchObject({ imported: 2, commentCount: 2 });
    expect(await thread(id)).toMatchObject({ state: 'archived', commentCount: 2 });
  });

  it('refuses bad batches, other roles and unknown stories, storing nothing', async () => {
    const id = await publish();
    await waitForState(id, 'open');
    const cases: [string, unknown][] = [
      ['empty', { comments: [] }],
      ['too many', batch(1, 1001)],
      ['same externalId twice', { comments: [...batch(1, 1).comments, ...batch(1, 1).comments] }],
      ['date without zone', { comments: [{ ...batch(1, 1).comments[0], postedAt: '2015-07-21 08:08' }] }],
      ['future date', { comments: [{ ...batch(1, 1).comments[0], postedAt: '2999-01-01T00:00:00Z' }] }],
      ['empty body', { comments: [{ ...batch(1, 1).comments[0], body: '   ' }] }],
      ['unknown field', { comments: [{ ...batch(1, 1).comments[0], likes: 3 }] }],
      ['not a list', { comments: 'many' }],
    ];
    for (const [name, body] of cases) {
      const response = await importInto(id, body);
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
    }
    expect((await importInto(id, batch(1, 1), editorToken())).status).toBe(403);
    expect((await importInto(id, batch(1, 1), moderator())).status).toBe(403);
    expect((await api('POST', `/api/v1/articles/${id}/comments/import`, { body: batch(1, 1) })).status).toBe(401);
    expect((await importInto('6f1c1f52-5b43-4c9f-9d55-000000000000', batch(1, 1))).status).toBe(404);
    expect(await withDatabase('comments', (db) => db.collection('comments').countDocuments({ articleId: id }))).toBe(0);
  });
});
