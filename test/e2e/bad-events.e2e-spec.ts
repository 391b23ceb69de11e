import { randomUUID } from 'node:crypto';
import { createEvent, deadLetterTopic, TOPICS } from '@app/contracts';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { eventsOf, produce, readTopic } from '../support/kafka';
import { withDatabase } from '../support/mongo';
import { consumerGroupOf, ServiceName, system, topicPrefixOf } from '../support/services';

/**
 * Bad events on every topic: malformed, missing fields, invalid payloads, unknown types and
 * versions, and events out of order. Each gets its designed fate (dead-lettered with a reason,
 * retried then dead-lettered, skipped, or applied as the newer snapshot); the good event behind
 * it on the same partition (same key) is still processed; no consumer crashes.
 * events.e2e-spec.ts covers the basic malformed/unsupported-version case for the comments group.
 */

const meta = () => ({ producer: 'test', correlationId: randomUUID() });
const json = (event: object) => JSON.stringify(event);
const dlqOf = (service: ServiceName) => deadLetterTopic(consumerGroupOf(system(), service));

/** The dead letters a group wrote for one key, once `count` of them are there. */
const deadLetters = async (service: ServiceName, key: string, count: number) => {
  const letters = await readTopic(dlqOf(service), (m) => m.key === key, (m) => m.length >= count, 30_000);
  expect(letters).toHaveLength(count);
  return letters;
};
/** Nothing (more) dead-lettered for this key by this group, a few seconds after the fact. */
const noDeadLetters = async (service: ServiceName, key: string) => expect(await readTopic(dlqOf(service), (m) => m.key === key, () => false, 3_000)).toEqual([]);

function published(articleId: string, revision = 1, title = 'Published straight to the topic') {
  return createEvent(
    'article.published',
    articleId,
    {
      articleId,
      revision,
      slug: `bad-events-${articleId.slice(0, 8)}`,
      title,
      byline: 'Test',
      categories: [],
      tags: [],
      photoCredits: [],
      publishedAt: new Date(),
      commentPolicy: { closeAfterDays: 14, archiveAfterDays: 30, preModeration: false },
    },
    meta(),
  );
}

function submitted(articleId: string, commentId = randomUUID(), revision = 1) {
  return createEvent(
    revision === 1 ? 'comment.submitted' : 'comment.edited',
    articleId,
    { commentId, articleId, author: { id: 'reader-bad-events', name: 'Reader' }, body: `A fair point, revision ${revision}`, revision, at: new Date() },
    meta(),
  );
}

const decided = (articleId: string, commentId: string, revision = 1) =>
  createEvent('moderation.decided', articleId, { commentId, articleId, revision, decision: 'approve', rule: 'clean', reason: 'no rule objected', decidedAt: new Date() }, meta());

async function publishStory(): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
  expect(response.status).toBe(201);
  const id = response.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('open'));
  return id;
}

describe('bad events', () => {
  it('articles.events: malformed, missing fields, invalid payload, unknown version are dead-lettered with their reason by every group; an unknown type is skipped; the story behind them opens', async () => {
    const key = randomUUID();
    const missingId = { ...published(key), id: undefined };
    const invalidPayload = { ...published(key), payload: { ...published(key).payload, title: undefined, revision: 0 } };
    const unknownType = { ...published(key), type: 'article.teleported' };
    const nextVersion = { ...published(key), version: 2 };
    await produce(TOPICS.ARTICLES, [
      { key, value: '{"title": "cut short' },
      { key, value: json(missingId) },
      { key, value: json(invalidPayload) },
      { key, value: json(unknownType) },
      { key, value: json(nextVersion) },
      { key, value: null },
      { key, value: json(published(key)) },
    ]);

    // The good event behind six bad ones on the same partition: the thread opens, moderation learns the story.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${key}/comments`)).body.state).toBe('open'), { timeoutMs: 30_000 });
    await eventually(async () => expect(await withDatabase('moderation', (db) => db.collection('stories').countDocuments({ _id: key as never }))).toBe(1));

    for (const service of ['comments', 'moderation'] as const) {
      const letters = await deadLetters(service, key, 5);
      expect(letters.map((m) => m.headers['dlq-reason'])).toEqual(['malformed', 'malformed', 'invalid_payload', 'unsupported_version', 'malformed']);
      expect(letters[1].headers['dlq-error']).toContain('id must be a UUID');
      expect(letters[2].headers['dlq-error']).toMatch(/title/);
      expect(letters[3].headers['dlq-error']).toContain('version 2 is not supported');
      for (const letter of letters) {
        expect(letter.headers).toMatchObject({ 'dlq-origin-topic': topicPrefixOf(system()) + TOPICS.ARTICLES, 'dlq-consumer-group': consumerGroupOf(system(), service), 'dlq-attempts': '0' });
        expect(Number(letter.headers['dlq-origin-offset'])).toBeGreaterThanOrEqual(0);
      }
      // The original bytes are kept: an operator can replay a fixed copy.
      expect(letters[0].value).toBe('{"title": "cut short');
    }
    // The unknown type is not an error: a newer producer may announce things this version ignores.
    // Articles reads no article.* events: not its business, nothing dead-lettered there.
    await noDeadLetters('articles', key);
  });

  it('comments.events: bad events are dead-lettered by the groups that read the topic, and the story\'s later events still flow', async () => {
    const story = await publishStory();
    const unknownVersion = { ...submitted(story), version: 7 };
    const invalidPayload = { ...submitted(story), payload: { ...submitted(story).payload, revision: 0, commentId: 'not-a-uuid' } };
    const unknownType = { ...submitted(story), type: 'comment.teleported' };
    await produce(TOPICS.COMMENTS, [
      { key: story, value: 'not json at all' },
      { key: story, value: json(unknownVersion) },
      { key: story, value: json(invalidPayload) },
      { key: story, value: json(unknownType) },
    ]);
    // Good events behind them: a real comment, moderated and approved; a real transition, seen by articles.
    const reader = tokenFor({ sub: 'reader-after-poison', name: 'Pat', roles: ['reader'] });
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: reader, body: { body: 'A calm and useful remark' } });
    expect(posted.status).toBe(202);
    expect((await api('POST', `/api/v1/articles/${story}/thread/close`, { token: editorToken(), body: { reason: 'enough' } })).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`)).status).toBe(200), { timeoutMs: 30_000 });
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${story}`)).body.thread.state).toBe('closed'), { timeoutMs: 30_000 });

    const moderation = await deadLetters('moderation', story, 3);
    expect(moderation.map((m) => m.headers['dlq-reason'])).toEqual(['malformed', 'unsupported_version', 'invalid_payload']);
    expect(moderation[2].headers['dlq-error']).toMatch(/commentId must be a UUID/);
    // Articles reads comments.events for thread.* only: the malformed one is its business (it cannot
    // tell what it was), comment.* of any version is not.
    const articles = await deadLetters('articles', story, 1);
    expect(articles[0].headers['dlq-reason']).toBe('malformed');
  });

  it('moderation.events: a decision before its submission is retried, then dead-lettered with the reason; the partition goes on', async () => {
    const story = await publishStory();
    const ghost = randomUUID();
    await produce(TOPICS.MODERATION, [{ key: story, value: json(decided(story, ghost)) }, { key: story, value: '{"type":' }]);
    const reader = tokenFor({ sub: 'reader-after-ghost', name: 'Lee', roles: ['reader'] });
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: reader, body: { body: 'Thanks for the reporting' } });
    expect(posted.status).toBe(202);
    // Its decision travels on the same partition of moderation.events, behind the two bad ones.
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`)).status).toBe(200), { timeoutMs: 30_000 });

    // The malformed one is not held up behind the retries: different lanes (see KafkaEventServer).
    const letters = (await deadLetters('comments', story, 2)).sort((a, b) => String(a.headers['dlq-reason']).localeCompare(String(b.headers['dlq-reason'])));
    expect(letters.map((m) => m.headers['dlq-reason'])).toEqual(['handler_failed', 'malformed']);
    expect(letters[0].headers['dlq-error']).toBe(`moderation.decided for comment ${ghost}, which is not known here`);
    // Retried as configured (KAFKA_HANDLER_ATTEMPTS=3 in tests) before giving up on it.
    expect(letters[0].headers['dlq-attempts']).toBe('3');
    expect(await withDatabase('comments', (db) => db.collection('comments').countDocuments({ _id: ghost as never }))).toBe(0);
  });

  it('moderation.events: a decision on a revision the comment does not have yet is dead-lettered; a stale one changes nothing', async () => {
    const story = await publishStory();
    const reader = tokenFor({ sub: 'reader-revisions', name: 'Kim', roles: ['reader'] });
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: reader, body: { body: 'A first and only revision' } });
    expect(posted.status).toBe(202);
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`)).status).toBe(200), { timeoutMs: 30_000 });

    const future = { ...decided(story, posted.body.id, 2), payload: { ...decided(story, posted.body.id, 2).payload, decision: 'reject' } };
    const stale = { ...decided(story, posted.body.id, 1), payload: { ...decided(story, posted.body.id, 1).payload, decision: 'reject', decidedAt: new Date(0) } };
    await produce(TOPICS.MODERATION, [{ key: story, value: json(future) }, { key: story, value: json(stale) }]);

    const letters = await deadLetters('comments', story, 1);
    expect(letters[0].headers['dlq-error']).toContain(`revision 2 of comment ${posted.body.id}, which is at revision 1`);
    // Neither changed the comment: still approved and visible.
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`)).body.status).toBe('approved'));
    await noDeadLetters('moderation', story);
  });

  it('articles.events: an update before its publication opens the thread from the newer snapshot; the late publication changes nothing', async () => {
    const key = randomUUID();
    const update = createEvent('article.updated', key, { ...published(key, 2, 'The corrected headline').payload }, meta());
    await produce(TOPICS.ARTICLES, [{ key, value: json(update) }, { key, value: json(published(key, 1, 'The first headline')) }]);

    await eventually(async () => {
      const thread = await withDatabase('comments', (db) => db.collection('threads').findOne({ _id: key as never }));
      expect(thread).toMatchObject({ state: 'open', articleRevision: 2, title: 'The corrected headline' });
    }, { timeoutMs: 30_000 });
    await eventually(async () => expect(await withDatabase('moderation', (db) => db.collection('stories').findOne({ _id: key as never }))).toMatchObject({ revision: 2 }));
    // One thread.opened, nothing dead-lettered: out of order is not an error for snapshots.
    const events = await eventsOf(TOPICS.COMMENTS, key, 1, 5_000);
    expect(events.map((e) => e.type)).toEqual(['thread.opened']);
    await noDeadLetters('comments', key);
    await noDeadLetters('moderation', key);
  });

  it('comments.events: an edit before its submission is reviewed as the newer revision; the late submission changes nothing', async () => {
    const story = await publishStory();
    const commentId = randomUUID();
    await produce(TOPICS.COMMENTS, [
      { key: story, value: json(submitted(story, commentId, 2)) },
      { key: story, value: json(submitted(story, commentId, 1)) },
    ]);
    await eventually(async () => {
      const moderated = await withDatabase('moderation', (db) => db.collection('cases').findOne({ _id: commentId as never }));
      expect(moderated).toMatchObject({ revision: 2, verdict: { revision: 2, decision: 'approve' } });
    }, { timeoutMs: 30_000 });
    const decisions = await readTopic(TOPICS.MODERATION, (m) => m.key === story && (m.value ?? '').includes(commentId), () => false, 4_000);
    expect(decisions.map((m) => JSON.parse(m.value!).payload.revision)).toEqual([2]);
    await noDeadLetters('moderation', story);
  });

  it('no consumer crashed: every service is still ready', async () => {
    for (const service of ['articles', 'comments', 'moderation', 'gateway'] as ServiceName[]) {
      const response = await fetch(`http://127.0.0.1:${system().ports[service]}/health/ready`);
      expect(response.status).toBe(200);
    }
  });
});
