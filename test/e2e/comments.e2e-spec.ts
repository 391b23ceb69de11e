import { randomUUID } from 'node:crypto';
import { createEvent, TOPICS } from '@app/contracts';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { produce, readTopic } from '../support/kafka';
import { withDatabase } from '../support/mongo';

/**
 * Readers posting through the gateway: accepted at once as pending, decided by the moderation
 * service's rules (by events), visible in the thread and the count once approved.
 */

const reader = (sub = `reader-${randomUUID().slice(0, 8)}`, name = 'Ann Reader') => ({ sub, token: tokenFor({ sub, name, roles: ['reader'] }) });

async function publishStory(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput(overrides) });
  expect(response.status).toBe(201);
  const id = response.body.id as string;
  // The comments side opened the thread (from article.published).
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200));
  return id;
}

const post = (articleId: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
  api('POST', `/api/v1/articles/${articleId}/comments`, { token, body, headers });

const approvedIn = async (articleId: string) => (await api('GET', `/api/v1/articles/${articleId}/comments`)).body;

describe('posting comments', () => {
  it('accepts a clean comment as pending, then shows it approved in the thread and the count', async () => {
    const story = await publishStory();
    const ann = reader(undefined, 'Ann Reader');
    const accepted = await post(story, ann.token, { body: '  When will Malloy bring in the National Guard?  ' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ articleId: story, status: 'pending', body: 'When will Malloy bring in the National Guard?', revision: 1 });

    const thread = await eventually(async () => {
      const body = await approvedIn(story);
      expect(body.commentCount).toBe(1);
      return body;
    });
    expect(thread.comments).toEqual([
      { id: accepted.body.id, parentId: null, author: { name: 'Ann Reader' }, body: 'When will Malloy bring in the National Guard?', postedAt: accepted.body.postedAt },
    ]);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${story}`)).body).toMatchObject({ thread: { state: 'open' } }));
    expect((await api('GET', `/api/v1/comments/${accepted.body.id}`)).body.status).toBe('approved');

    const messages = await readTopic(
      TOPICS.COMMENTS,
      (m) => m.key === story && /"comment\.(submitted|approved)"/.test(m.value ?? ''),
      (m) => new Set(m.map((x) => JSON.parse(x.value!).type)).size === 2,
    );
    const events = messages.map((m) => JSON.parse(m.value!));
    expect(events.map((e) => e.type)).toEqual(['comment.submitted', 'comment.approved']);
    const approved = events.find((e) => e.type === 'comment.approved')!;
    expect(approved.payload).toMatchObject({ commentId: accepted.body.id, status: 'approved', commentCount: 1 });
  });

  it('makes a retried post with the same Idempotency-Key one comment with the same answer', async () => {
    const story = await publishStory();
    const bob = reader();
    const key = randomUUID();
    const [first, second] = await Promise.all([
      post(story, bob.token, { body: 'A considered view.' }, { 'idempotency-key': key }),
      post(story, bob.token, { body: 'A considered view.' }, { 'idempotency-key': key }),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.id).toBe(first.body.id);
    const third = await post(story, bob.token, { body: 'A considered view.' }, { 'idempotency-key': key });
    expect(third.body.id).toBe(first.body.id);
    const reused = await post(story, bob.token, { body: 'Something else entirely.' }, { 'idempotency-key': key });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
    await eventually(async () => expect((await approvedIn(story)).commentCount).toBe(1));
    expect(await withDatabase('comments', (db) => db.collection('comments').countDocuments({ articleId: story }))).toBe(1);
  });

  it('shows its author a rejected comment with the reason, and nobody else', async () => {
    const story = await publishStory();
    const carl = reader();
    // A banned word from the English profanity list, spaced out to evade a naive filter.
    const rejected = await post(story, carl.token, { body: 'f u c k this council' });
    expect(rejected.status).toBe(202);
    const own = await eventually(async () => {
      const response = await api('GET', `/api/v1/comments/${rejected.body.id}`, { token: carl.token });
      expect(response.body.status).toBe('rejected');
      return response.body;
    });
    expect(own.reason).toMatch(/banned word/);
    expect((await api('GET', `/api/v1/comments/${rejected.body.id}`)).status).toBe(404);
    expect((await api('GET', `/api/v1/comments/${rejected.body.id}`, { token: reader().token })).status).toBe(404);
    expect((await approvedIn(story)).commentCount).toBe(0);
  });

  it('nests replies, lets authors edit within the window and delete, leaving a placeholder above replies', async () => {
    const story = await publishStory();
    const dana = reader(undefined, 'Dana');
    const eve = reader(undefined, 'Eve');
    const top = await post(story, dana.token, { body: 'Top level thought.' });
    await eventually(async () => expect((await approvedIn(story)).commentCount).toBe(1));
    const reply = await post(story, eve.token, { body: 'A reply to Dana.', parentId: top.body.id });
    expect(reply.status).toBe(202);
    await eventually(async () => expect((await approvedIn(story)).commentCount).toBe(2));
    expect((await approvedIn(story)).comments.map((c: { parentId: string | null }) => c.parentId)).toEqual([null, top.body.id]);
    expect((await post(story, eve.token, { body: 'x', parentId: randomUUID() })).status).toBe(404);

    expect((await api('PATCH', `/api/v1/comments/${reply.body.id}`, { token: dana.token, body: { body: 'hijack' } })).status).toBe(403);
    const edited = await api('PATCH', `/api/v1/comments/${reply.body.id}`, { token: eve.token, body: { body: 'A better reply to Dana.' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'pending', revision: 2, body: 'A better reply to Dana.' });
    await eventually(async () => {
      const thread = await approvedIn(story);
      expect(thread.comments.map((c: { body: string }) => c.body)).toEqual(['Top level thought.', 'A better reply to Dana.']);
    });

    expect((await api('DELETE', `/api/v1/comments/${top.body.id}`, { token: eve.token })).status).toBe(403);
    expect((await api('DELETE', `/api/v1/comments/${top.body.id}`, { token: dana.token })).status).toBe(204);
    const after = await eventually(async () => {
      const thread = await approvedIn(story);
      expect(thread.commentCount).toBe(1);
      return thread;
    });
    expect(after.comments[0]).toEqual({ id: top.body.id, parentId: null, author: null, body: null, postedAt: top.body.postedAt, deleted: true });
    expect((await api('DELETE', `/api/v1/comments/${top.body.id}`, { token: dana.token })).status).toBe(404);
  });

  it('refuses posts to a closed or archived thread with 409, and to an unknown story with 404', async () => {
    const expired = await publishStory({ publishedAt: new Date(Date.now() - 20 * 86_400_000).toISOString(), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 60 } });
    const archived = await publishStory({ publishedAt: new Date(Date.now() - 90 * 86_400_000).toISOString(), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2 } });
    const frank = reader();
    await eventually(async () => expect((await approvedIn(expired)).state).toBe('closed'));
    const closed = await post(expired, frank.token, { body: 'Too late?' });
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ code: 'commenting_expired', message: expect.stringMatching(/expired/) });
    await eventually(async () => expect((await approvedIn(archived)).state).toBe('archived'));
    const gone = await post(archived, frank.token, { body: 'Way too late?' });
    expect(gone.status).toBe(409);
    expect(gone.body).toMatchObject({ code: 'comments_archived', message: expect.stringMatching(/archived/) });
    expect((await post(randomUUID(), frank.token, { body: 'Hello?' })).status).toBe(404);
    expect(await withDatabase('comments', (db) => db.collection('comments').countDocuments({ articleId: { $in: [expired, archived] } }))).toBe(0);
  });

  it('refuses a banned or suspended reader with 403 saying until when, and lets them back when lifted', async () => {
    const story = await publishStory();
    const gail = reader();
    const sanction = (type: 'user.sanctioned' | 'user.sanction_lifted', kind: 'ban' | 'suspend', sanctionId: string, until?: Date) =>
      createEvent(
        type,
        gail.sub,
        { userId: gail.sub, sanctionId, kind, ...(until ? { until } : {}), reason: 'abuse of other readers', by: { id: 'mod-1', name: 'Mona', roles: ['moderator'] }, at: new Date() },
        { producer: 'moderation', correlationId: randomUUID() },
      );
    const until = new Date(Date.now() + 3 * 86_400_000);
    const suspension = sanction('user.sanctioned', 'suspend', randomUUID(), until);
    await produce(TOPICS.MODERATION, [{ key: gail.sub, value: JSON.stringify(suspension) }]);
    const refused = await eventually(
      async () => {
        const response = await post(story, gail.token, { body: 'Let me in.' });
        expect(response.status).toBe(403);
        return response.body;
      },
      { intervalMs: 500 },
    );
    expect(refused).toMatchObject({ code: 'reader_suspended', details: { until: until.toISOString() } });
    expect(refused.message).toContain(until.toISOString());

    const lifted = sanction('user.sanction_lifted', 'suspend', suspension.payload.sanctionId, until);
    await produce(TOPICS.MODERATION, [{ key: gail.sub, value: JSON.stringify(lifted) }]);
    await eventually(async () => expect((await post(story, gail.token, { body: 'Back again.' })).status).toBe(202), { intervalMs: 500 });
  });

  it('limits posts per reader with 429 and Retry-After', async () => {
    const story = await publishStory();
    const hank = reader();
    // All at once, well inside the one-minute window.
    const responses = await Promise.all(Array.from({ length: 22 }, (_, i) => post(story, hank.token, { body: `Comment number ${i}` })));
    const statuses = responses.map((r) => r.status);
    // The harness allows 20 writes per reader per minute.
    expect(statuses.filter((s) => s === 202)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ code: 'rate_limited', details: { limit: 20, windowSeconds: 60 } });
  });

  it('limits posts per client address', async () => {
    const story = await publishStory();
    const address = `2001:db8::${randomUUID().slice(0, 4)}:1`;
    const statuses = (
      await Promise.all(Array.from({ length: 42 }, (_, i) => post(story, reader().token, { body: `From one office, ${i}` }, { 'x-forwarded-for': address })))
    ).map((r) => r.status);
    // The harness allows 40 writes per address per minute.
    expect(statuses.filter((s) => s === 202)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });

  it('answers bad input with a 4xx and stores nothing', async () => {
    const story = await publishStory();
    const before = await withDatabase('comments', (db) => db.collection('comments').countDocuments({ articleId: story }));
    const cases: [string, unknown, Record<string, string>?][] = [
      ['no body', {}],
      ['empty body', { body: '   ' }],
      ['number body', { body: 42 }],
      ['array body', { body: ['a'] }],
      ['huge body', { body: 'x'.repeat(5_001) }],
      ['control characters', { body: 'bell\u0007' }],
      ['extra field', { body: 'hi', status: 'approved' }],
      ['bad parent id', { body: 'hi', parentId: 'not-a-uuid' }],
      ['null', null],
      ['bad idempotency key', { body: 'hi' }, { 'idempotency-key': 'x'.repeat(300) }],
    ];
    for (const [name, body, headers] of cases) {
      // A reader per case: refused requests count against the reader's rate limit too.
      const response = await post(story, reader().token, body, headers);
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(response.body.correlationId).toEqual(expect.any(String));
    }
    const ivan = reader();
    expect((await api('POST', `/api/v1/articles/${story}/comments`, { token: ivan.token, rawBody: '{"body": "unterminated' })).status).toBe(400);
    expect((await api('POST', `/api/v1/articles/${story}/comments`, { token: ivan.token, rawBody: 'body=hi', headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    expect((await api('POST', `/api/v1/articles/${story}/comments`, { token: ivan.token, rawBody: '<body/>', headers: { 'content-type': 'application/xml' } })).status).toBe(415);
    expect((await api('POST', `/api/v1/articles/${story}/comments`, { body: { body: 'no token' } })).status).toBe(401);
    expect((await api('POST', `/api/v1/articles/not-a-uuid/comments`, { token: ivan.token, body: { body: 'hi' } })).status).toBe(400);
    expect(await withDatabase('comments', (db) => db.collection('comments').countDocuments({ articleId: story }))).toBe(before);
  });

  it('stores markup as text and hands it back as text', async () => {
    const story = await publishStory();
    const body = '<script>alert("x")</script> & <b>bold</b>';
    const accepted = await post(story, reader().token, { body });
    expect(accepted.body.body).toBe(body);
    expect(accepted.headers.get('content-type')).toMatch(/^application\/json/);
  });
});
