import { randomUUID } from 'node:crypto';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { readTopic } from '../support/kafka';
import { withDatabase } from '../support/mongo';
import { freePort, startService, stopProcess, system, waitReady } from '../support/services';
import { TOPICS } from '@app/contracts';

/**
 * A reader's own data (docs/reader-data.md): the download of every comment they wrote, and the
 * erasure of their account, through the gateway, on the real broker and databases. The harness
 * runs the comments service with its default erasure mode (remove).
 */

const SLOW = { timeoutMs: 60_000, intervalMs: 250 };
const unique = () => randomUUID().slice(0, 8);
const reader = (name = 'Ann Reader') => {
  const sub = `rd-${unique()}`;
  return { sub, token: tokenFor({ sub, name, roles: ['reader'] }) };
};
const admin = () => tokenFor({ sub: 'admin-1', name: 'Ada Admin', roles: ['admin'] });
const moderator = () => tokenFor({ sub: 'mod-1', name: 'Moderator 1', roles: ['moderator'] });

async function publishStory(): Promise<{ id: string; title: string; slug: string }> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
  expect(response.status).toBe(201);
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${response.body.id}/comments`)).status).toBe(200), SLOW);
  return response.body;
}

/** Posts and waits until the rules decided it as expected. */
async function postDecided(story: string, token: string, body: string, status: string, parentId?: string): Promise<string> {
  const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token, body: { body, ...(parentId ? { parentId } : {}) } });
  expect(posted.status).toBe(202);
  await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`, { token })).body.status).toBe(status), SLOW);
  return posted.body.id as string;
}

const thread = async (story: string) => (await api('GET', `/api/v1/articles/${story}/comments`)).body;
const articleCount = async (story: string) => (await api('GET', `/api/v1/articles/${story}`)).body.comments.count as number;
const queueIds = async (status: string, story: string) =>
  ((await api('GET', `/api/v1/moderation/queue?status=${status}&articleId=${story}`, { token: moderator() })).body.items as { comment: { id: string } }[]).map((i) => i.comment.id);

describe("a reader's own data", () => {
  it('downloads every comment in every status, then erases the account: nothing of the text is left, counts follow, the token is refused, decisions stay', async () => {
    const story = await publishStory();
    const ann = reader('Ann Erasable');
    const other = reader('Otto Other');
    const marker = `zq${unique()}`;
    const approved = await postDecided(story.id, ann.token, `I agree with the council ${marker} approved.`, 'approved');
    const held = await postDecided(story.id, ann.token, `Read more at https://example.com/${marker} for the held one.`, 'held');
    const rejected = await postDecided(story.id, ann.token, `f u c k this council ${marker}`, 'rejected');
    const answered = await postDecided(story.id, ann.token, `Second thought ${marker}, answered by Otto.`, 'approved');
    const reply = await postDecided(story.id, other.token, 'A reply by another reader, which stays.', 'approved', answered);
    await eventually(async () => expect((await thread(story.id)).commentCount).toBe(3), SLOW);
    await eventually(async () => expect(await articleCount(story.id)).toBe(3), SLOW);
    await eventually(async () => expect(await queueIds('held', story.id)).toContain(held), SLOW);

    // The download: every status, with the story and the times.
    const download = await api('GET', '/api/v1/me/data', { token: ann.token });
    expect(download.status).toBe(200);
    expect(download.body).toMatchObject({ format: 'reader-data/v1', userId: ann.sub, erasedAt: null, names: ['Ann Erasable'] });
    const byId = new Map((download.body.comments as { id: string }[]).map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual([approved, held, rejected, answered].sort());
    expect(byId.get(approved)).toMatchObject({ status: 'approved', story: { id: story.id, title: story.title, slug: story.slug }, body: expect.stringContaining(marker) });
    expect(byId.get(held)).toMatchObject({ status: 'held', reason: expect.stringContaining('link') });
    expect(byId.get(rejected)).toMatchObject({ status: 'rejected', reason: expect.any(String), decidedAt: expect.any(String) });
    for (const comment of byId.values()) expect(comment).toMatchObject({ postedAt: expect.any(String), revision: 1, source: 'reader' });

    // An admin downloads the same on the reader's behalf; another reader cannot.
    const forAdmin = await api('GET', `/api/v1/users/${ann.sub}/data`, { token: admin() });
    expect(forAdmin.status).toBe(200);
    expect(forAdmin.body.comments.map((c: { id: string }) => c.id).sort()).toEqual([...byId.keys()].sort());
    expect((await api('GET', `/api/v1/users/${ann.sub}/data`, { token: other.token })).status).toBe(403);

    // The erasure is asked for in words.
    expect((await api('POST', '/api/v1/me/erasure', { token: ann.token, body: {} })).status).toBe(400);
    const erased = await api('POST', '/api/v1/me/erasure', { token: ann.token, body: { confirm: 'erase' } });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ userId: ann.sub, mode: 'remove', comments: 4, stories: 1 });

    // Her token is refused with a clear code, on every route.
    for (const [method, path] of [['GET', '/api/v1/me/data'], ['POST', `/api/v1/articles/${story.id}/comments`]] as const) {
      const refused = await api(method, path, { token: ann.token, body: method === 'POST' ? { body: 'back again' } : undefined });
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('account_erased');
    }

    // Threads and counts: her comments are gone (the one Otto answered stays an empty placeholder), on both sides.
    await eventually(async () => {
      const after = await thread(story.id);
      expect(after.commentCount).toBe(1);
      expect(JSON.stringify(after)).not.toContain(marker);
      expect(JSON.stringify(after)).not.toContain('Ann Erasable');
      expect(after.comments.map((c: { id: string; deleted?: true }) => [c.id, c.deleted ?? false])).toEqual([
        [answered, true],
        [reply, false],
      ]);
    }, SLOW);
    await eventually(async () => expect(await articleCount(story.id)).toBe(1), SLOW);
    for (const id of [approved, held, rejected]) expect((await api('GET', `/api/v1/comments/${id}`, { token: admin() })).status).toBe(404);

    // Moderation: out of every queue, no text in the case views or the journal, the decisions kept and said so.
    await eventually(async () => {
      expect(await queueIds('held', story.id)).not.toContain(held);
      const history = await api('GET', `/api/v1/moderation/comments/${rejected}/history`, { token: moderator() });
      expect(history.status).toBe(200);
      expect(history.body.comment).toMatchObject({ status: 'deleted', body: '' });
      expect(history.body.history.map((h: { type: string }) => h.type)).toContain('erased');
    }, SLOW);
    for (const status of ['held', 'approved', 'rejected', 'reported']) {
      const ids = await queueIds(status, story.id);
      for (const id of [approved, held, rejected, answered]) expect(ids).not.toContain(id);
    }
    const journal = await withDatabase('moderation', (db) =>
      db.collection('case_entries').find({ caseId: { $in: [approved, held, rejected, answered] } }).toArray(),
    );
    expect(journal.length).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(journal)).not.toContain(marker);
    expect(JSON.stringify(journal)).not.toContain('Ann Erasable');
    const decisions = journal.flatMap((entry) => (entry.history as { type: string; decision?: string }[]).filter((h) => h.type === 'rule_verdict'));
    expect(decisions.map((d) => d.decision).sort()).toEqual(['approve', 'approve', 'hold', 'reject']);
    const projections = await withDatabase('moderation', (db) => db.collection('cases').find({ _id: { $in: [approved, held, rejected, answered] } as never }).toArray());
    expect(JSON.stringify(projections)).not.toContain(marker);
    const comments = await withDatabase('comments', (db) => db.collection('comments').find({ $or: [{ 'author.id': ann.sub }, { articleId: story.id }] }).toArray());
    expect(JSON.stringify(comments)).not.toContain(marker);
    expect(comments.filter((c) => c.author?.id === ann.sub)).toEqual([]);

    // user.erased was announced once by the comments service, keyed by her id; erasing again is 409.
    const announced = await readTopic(TOPICS.COMMENTS, (m) => m.key === ann.sub && /"user\.erased"/.test(m.value ?? ''), (m) => m.length >= 1);
    expect(JSON.parse(announced[0]!.value!).payload).toMatchObject({ userId: ann.sub, mode: 'remove', comments: 4 });
    const again = await api('POST', `/api/v1/users/${ann.sub}/erasure`, { token: admin(), body: { confirm: 'erase' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_erased');
    // Her other reader's comment and token are untouched.
    expect((await api('GET', '/api/v1/me/data', { token: other.token })).body.comments.map((c: { id: string }) => c.id)).toEqual([reply]);
  });

  it('lets an admin erase a reader on their behalf; the reader is refused, the held comment leaves the queue', async () => {
    const story = await publishStory();
    const bea = reader('Bea Behalf');
    const marker = `zq${unique()}`;
    const held = await postDecided(story.id, bea.token, `Look at https://example.org/${marker} please.`, 'held');
    await eventually(async () => expect(await queueIds('held', story.id)).toContain(held), SLOW);
    expect((await api('POST', `/api/v1/users/${bea.sub}/erasure`, { token: bea.token, body: { confirm: 'erase' } })).status).toBe(403);
    const erased = await api('POST', `/api/v1/users/${bea.sub}/erasure`, { token: admin(), body: { confirm: 'erase' } });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ userId: bea.sub, comments: 1 });
    const refused = await api('GET', '/api/v1/me/data', { token: bea.token });
    expect([refused.status, refused.body.code]).toEqual([401, 'account_erased']);
    await eventually(async () => expect(await queueIds('held', story.id)).not.toContain(held), SLOW);
    const view = await api('GET', `/api/v1/moderation/comments/${held}/history`, { token: moderator() });
    expect(JSON.stringify(view.body)).not.toContain(marker);
    expect(view.body.history.find((h: { type: string }) => h.type === 'rule_verdict')).toMatchObject({ rule: 'links', decision: 'hold' });
    // A gateway started after the erasure never heard user.erased (a broadcast listener starts at
    // the newest offsets): it rebuilds its refusals from the comments service before it is ready.
    const port = await freePort();
    const late = startService(system(), 'gateway', port, {});
    try {
      await waitReady(port, 60_000);
      const refusedThere = await api('GET', '/api/v1/me/data', { token: bea.token, port });
      expect([refusedThere.status, refusedThere.body.code]).toEqual([401, 'account_erased']);
      expect((await api('GET', '/api/v1/me/data', { token: reader().token, port })).status).toBe(200);
    } finally {
      await stopProcess(late.pid!);
    }
    // The admin's download of an erased reader holds nothing of theirs, and says when.
    const download = await api('GET', `/api/v1/users/${bea.sub}/data`, { token: admin() });
    expect(download.body).toMatchObject({ userId: bea.sub, erasedAt: erased.body.erasedAt, comments: [] });
  });
});
