import { randomUUID } from 'node:crypto';
import { TOPICS } from '@app/contracts';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { eventsWithIds as eventsOn, TopicEvent } from '../support/kafka';
import { withDatabase } from '../support/mongo';

/**
 * Moving an archive in (docs/lifecycle.md, "Stories that arrive past their deadlines"): stories
 * published years ago come in through POST /api/v1/articles/import and their threads read as
 * archived as soon as they exist, each from one change carrying the three events the lifecycle
 * emits; a story whose deadlines are ahead goes through the normal lifecycle (the sweep).
 */

const DAY = 86_400_000;
const admin = () => tokenFor({ sub: 'admin-1', name: 'Ada Admin', roles: ['admin'] });
const moderator = () => tokenFor({ sub: 'mod-1', name: 'Mona Moderator', roles: ['moderator'] });

type Event = TopicEvent;

/** This run's committed changes of these stories (the comments service's log), oldest first. */
const changesOf = (articleIds: string[]) =>
  withDatabase('comments', (db) =>
    db
      .collection('thread_changes')
      .find({ articleId: { $in: articleIds } })
      .toArray(),
  ).then((changes) => changes.sort((a, b) => a.seq - b.seq));

/** The events with these ids, as they first reached comments.events; waits for all of them. */
const eventsWithIds = (ids: Set<string>, articleIds: Set<string>) => eventsOn(TOPICS.COMMENTS, ids, (key) => articleIds.has(key));

const comments = (prefix: string) => [
  { externalId: `${prefix}-1`, authorName: 'dano860', postedAt: '2013-03-02T10:00:00Z', body: 'I remember this meeting.' },
  { externalId: `${prefix}-2`, authorName: 'Hartford reader', postedAt: '2013-03-02T11:30:00Z', body: 'The budget never added up.' },
];

describe('moving an archive in: POST /api/v1/articles/import', () => {
  it('imports stories published years ago whose threads read as archived at once, with their events, and the same batch twice changes nothing', async () => {
    const old = [2011, 2013, 2015, 2017].map((year) => articleInput({ publishedAt: `${year}-03-01T08:00:00Z` }));
    const response = await api('POST', '/api/v1/articles/import', { token: editorToken(), body: { stories: old } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ imported: 4, skipped: 0 });
    const ids: string[] = response.body.stories.map((s: { id: string; slug: string; result: string }) => s.id);
    expect(response.body.stories.map((s: { slug: string; result: string }) => `${s.slug} ${s.result}`)).toEqual(
      old.map((story) => `${story.slug} imported`),
    );

    // The first answer a reader gets is the final state: the thread never reads open or closed.
    for (const id of ids) {
      const first = await eventually(async () => {
        const read = await api('GET', `/api/v1/articles/${id}/comments`);
        expect(read.status).toBe(200);
        return read.body;
      });
      expect(first).toMatchObject({ state: 'archived', commentCount: 0 });
    }

    // Each thread took its final state when it was opened: one change (on seq 0), three events, not the sweep's.
    const changes = await changesOf(ids);
    expect(changes.map((c) => c._id).sort()).toEqual(ids.map((id) => `${id}:0`).sort());
    expect(changes.every((c) => c.eventIds.length === 3 && c.snapshot.state === 'archived' && c.snapshot.nextTransitionAt === null)).toBe(true);

    const events = await eventsWithIds(new Set(changes.flatMap((c) => c.eventIds as string[])), new Set(ids));
    expect(events).toHaveLength(12);
    for (const id of ids) {
      expect(events.filter((e) => e.key === id).map((e) => `${e.payload.seq} ${e.type} ${e.payload.state} ${e.payload.reason}`)).toEqual([
        '1 thread.opened open published',
        '2 thread.closed closed expired',
        '3 thread.archived archived expired',
      ]);
    }

    // Those events keep the articles side right: its stories read archived.
    for (const id of ids) {
      await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments).toEqual({ count: 0, state: 'archived' }));
    }

    // Their comments come in afterwards; the gateway's cached page (read above) follows.
    for (const [n, id] of ids.entries()) {
      const imported = await api('POST', `/api/v1/articles/${id}/comments/import`, { token: admin(), body: { comments: comments(`${id}-${n}`) } });
      expect(imported.status).toBe(200);
      expect(imported.body).toMatchObject({ imported: 2, commentCount: 2 });
    }
    for (const id of ids) {
      await eventually(async () => {
        const read = (await api('GET', `/api/v1/articles/${id}/comments`)).body;
        expect(read).toMatchObject({ state: 'archived', commentCount: 2 });
        expect(read.comments.map((c: { author: { name: string } }) => c.author.name)).toEqual(['dano860', 'Hartford reader']);
        expect((await api('GET', `/api/v1/articles/${id}`)).body.comments).toEqual({ count: 2, state: 'archived' });
      });
    }

    // Again: nothing imported, the same stories named, no thread changed.
    const before = (await changesOf(ids)).length;
    const again = await api('POST', '/api/v1/articles/import', { token: editorToken(), body: { stories: old } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imported: 0, skipped: 4 });
    expect(again.body.stories.map((s: { id: string; result: string }) => `${s.id} ${s.result}`)).toEqual(ids.map((id) => `${id} existing`));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await changesOf(ids)).length).toBe(before);
  });

  it('announces again, when the batch is sent again, a story stored before its article.published reached the broker', async () => {
    // What a crash between the import's insert and the broker's acknowledgement leaves behind: the
    // story stored (no outbox, see ArticlesService.import), no thread for it. The importer got no
    // answer and sends the batch again.
    const [story] = [articleInput({ publishedAt: '2012-05-01T08:00:00Z' })];
    const id = randomUUID();
    const now = new Date();
    await withDatabase('articles', (db) =>
      db.collection('articles').insertOne({
        _id: id as never,
        ...story,
        publishedAt: new Date(story.publishedAt),
        commentPolicy: { closeAfterDays: 14, archiveAfterDays: 90, preModeration: false },
        status: 'published',
        revision: 1,
        createdBy: { id: 'editor-1', name: 'Christine Stuart', roles: ['editor'] },
        updatedBy: { id: 'editor-1', name: 'Christine Stuart', roles: ['editor'] },
        outbox: [],
        createdAt: now,
        updatedAt: now,
      }),
    );
    expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(404);
    const again = await api('POST', '/api/v1/articles/import', { token: editorToken(), body: { stories: [story] } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imported: 0, skipped: 1, stories: [{ id, result: 'existing' }] });
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body).toMatchObject({ state: 'archived', commentCount: 0 }));
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments).toEqual({ count: 0, state: 'archived' }));
    // Heard of now: a third time announces nothing (the thread keeps its one change).
    await api('POST', '/api/v1/articles/import', { token: editorToken(), body: { stories: [story] } });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await changesOf([id])).map((c) => c._id)).toEqual([`${id}:0`]);
  });

  it('leaves a story whose deadlines are ahead to the normal lifecycle: open at import, closed later by the sweep', async () => {
    const story = articleInput({
      publishedAt: new Date(Date.now() - DAY + 5_000).toISOString(),
      commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2 },
    });
    const old = articleInput({ publishedAt: '2014-06-01T12:00:00Z' });
    const response = await api('POST', '/api/v1/articles/import', { token: editorToken(), body: { stories: [story, old] } });
    expect(response.status).toBe(200);
    const [id, oldId] = response.body.stories.map((s: { id: string }) => s.id) as [string, string];

    const first = await eventually(async () => {
      const read = await api('GET', `/api/v1/articles/${id}/comments`);
      expect(read.status).toBe(200);
      return read.body;
    });
    expect(first.state).toBe('open');
    const staff = (await api('GET', `/api/v1/articles/${id}/thread`, { token: moderator() })).body;
    expect(staff.nextTransitionAt).toBe(staff.closesAt);
    expect((await api('GET', `/api/v1/articles/${oldId}/comments`)).body.state).toBe('archived');

    // The sweep closes it at closesAt, in a change of its own.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('closed'), { timeoutMs: 30_000 });
    const changes = await changesOf([id]);
    expect(changes.map((c) => `${String(c._id).slice(id.length)} ${c.eventIds.length}`)).toEqual([':0 1', ':1 1']);
    const events = await eventsWithIds(new Set(changes.flatMap((c) => c.eventIds as string[])), new Set([id]));
    expect(events.map((e) => `${e.payload.seq} ${e.type} ${e.payload.reason}`)).toEqual(['1 thread.opened published', '2 thread.closed expired']);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.comments.state).toBe('closed'));
  });

  it('refuses bad batches and callers who may not publish, storing nothing', async () => {
    const story = articleInput({ publishedAt: '2010-01-01T00:00:00Z' });
    const cases: [unknown, string][] = [
      [{ stories: [] }, 'an empty batch'],
      [{ stories: [story, { ...story }] }, 'a slug twice'],
      [{ stories: [{ ...story, publishedAt: 'last year' }] }, 'a bad date'],
      [{}, 'no stories'],
    ];
    for (const [body, what] of cases) {
      const refused = await api('POST', '/api/v1/articles/import', { token: editorToken(), body });
      expect({ what, status: refused.status }).toEqual({ what, status: 400 });
    }
    const archiveBeforeClose = await api('POST', '/api/v1/articles/import', {
      token: editorToken(),
      body: { stories: [story, { ...articleInput(), commentPolicy: { closeAfterDays: 10, archiveAfterDays: 5 } }] },
    });
    expect(archiveBeforeClose.status).toBe(400);
    expect((await api('POST', '/api/v1/articles/import', { token: tokenFor({ roles: ['reader'] }), body: { stories: [story] } })).status).toBe(403);
    expect((await api('POST', '/api/v1/articles/import', { body: { stories: [story] } })).status).toBe(401);
    // Nothing of it was stored: the story imports now, as new.
    const now = await api('POST', '/api/v1/articles/import', { token: editorToken(), body: { stories: [story] } });
    expect(now.body).toMatchObject({ imported: 1, skipped: 0 });
  });
});
