import { TOPICS } from '@app/contracts';
import { articleInput, badTokens, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { eventsOf, readTopic } from '../support/kafka';
import { withDatabase } from '../support/mongo';
import { system } from '../support/services';

/** Story publishing, end to end: gateway → articles → Kafka → comments (and moderation) → gateway. */
describe('publishing a story', () => {
  it('opens its comment thread through events, visible through the gateway', async () => {
    const input = articleInput({ publishedAt: new Date().toISOString() });
    const published = await api('POST', '/api/v1/articles', { token: editorToken(), body: input });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ slug: input.slug, title: input.title, byline: 'Christine Stuart', status: 'published', revision: 1 });
    expect(published.body.categories).toEqual(input.categories);
    expect(published.body.photoCredits).toEqual([{ name: 'Christine Stuart' }, { name: 'Madeline Stocker' }]);
    expect(published.body.commentPolicy).toEqual({ closeAfterDays: 14, archiveAfterDays: 30, preModeration: false });
    const id = published.body.id as string;

    const thread = await eventually(async () => {
      const response = await api('GET', `/api/v1/articles/${id}/comments`);
      expect(response.status).toBe(200);
      return response.body;
    });
    expect(thread).toMatchObject({ articleId: id, state: 'open', commentCount: 0, comments: [] });
    expect(new Date(thread.closesAt).getTime() - new Date(input.publishedAt as string).getTime()).toBe(14 * 86_400_000);

    // The articles side learns the thread state from thread.opened, never by asking.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}`)).body.thread.state).toBe('open'));

    const [event] = await eventsOf(TOPICS.ARTICLES, id);
    expect(event).toMatchObject({ type: 'article.published', payload: { articleId: id, revision: 1, slug: input.slug } });
  });

  it('lists published stories newest first, by category and tag, page by page', async () => {
    const category = `Category ${Date.now()}`;
    const ids: string[] = [];
    for (let day = 1; day <= 3; day++) {
      const body = articleInput({ categories: [category], publishedAt: new Date(Date.UTC(2020, 0, day)).toISOString() });
      ids.push((await api('POST', '/api/v1/articles', { token: editorToken(), body })).body.id);
    }
    const first = await api('GET', `/api/v1/articles?category=${encodeURIComponent(category)}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items[0].body).toBeUndefined();
    const second = await api('GET', `/api/v1/articles?category=${encodeURIComponent(category)}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await api('GET', '/api/v1/articles?limit=0')).status).toBe(400);
    expect((await api('GET', '/api/v1/articles?cursor=nonsense')).status).toBe(400);
    // A NUL in a filter (PostgreSQL under FerretDB cannot compare one) is the caller's error, not a 503.
    const nul = await api('GET', '/api/v1/articles?category=%00');
    expect({ status: nul.status, message: nul.body.message }).toEqual({ status: 400, message: expect.stringMatching(/category must not contain control characters/) });
  });

  it('moves the thread deadlines when the story changes, and hides the thread when unpublished', async () => {
    const { body: article } = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${article.id}/comments`)).status).toBe(200));

    const patched = await api('PATCH', `/api/v1/articles/${article.id}`, {
      token: editorToken(),
      body: { title: 'A corrected headline', commentPolicy: { closeAfterDays: 3, archiveAfterDays: 60 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'A corrected headline', revision: 2, commentPolicy: { closeAfterDays: 3, archiveAfterDays: 60 } });
    const closesAt = new Date(new Date(article.publishedAt).getTime() + 3 * 86_400_000).toISOString();
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${article.id}/comments`)).body.closesAt).toBe(closesAt));

    const unpublished = await api('DELETE', `/api/v1/articles/${article.id}`, { token: editorToken() });
    expect(unpublished.status).toBe(200);
    expect(unpublished.body.status).toBe('unpublished');
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${article.id}/comments`)).status).toBe(404));
    expect((await api('GET', `/api/v1/articles/${article.id}`)).status).toBe(404);
    // Editors still see it; unpublishing again is harmless and announces nothing more.
    expect((await api('GET', `/api/v1/articles/${article.id}`, { token: editorToken() })).body.status).toBe('unpublished');
    expect((await api('DELETE', `/api/v1/articles/${article.id}`, { token: editorToken() })).status).toBe(200);
    const events = await eventsOf(TOPICS.ARTICLES, article.id, 3);
    expect(events.map((e) => e.type)).toEqual(['article.published', 'article.updated', 'article.unpublished']);
    const threadEvents = await eventsOf(TOPICS.COMMENTS, article.id, 3);
    expect(threadEvents.map((e) => e.type)).toEqual(['thread.opened', 'thread.rescheduled', 'thread.hidden']);
  });

  it('refuses bad input with field-level messages, storing and emitting nothing', async () => {
    const before = await withDatabase('articles', (db) => db.collection('articles').countDocuments());
    const slug = `never-stored-${Date.now()}`;
    const cases: [string, unknown][] = [
      ['empty title', articleInput({ slug, title: '' })],
      ['bad slug', articleInput({ slug: 'Not A Slug' })],
      ['unknown field', articleInput({ slug, extra: true })],
      ['date without zone', articleInput({ slug, publishedAt: '2015-07-21 05:30' })],
      ['wrong types', articleInput({ slug, categories: 'Hartford', tags: [1, 2] })],
      ['empty tag', articleInput({ slug, tags: ['', 'Hartford'] })],
      ['archive before close', articleInput({ slug, commentPolicy: { closeAfterDays: 10, archiveAfterDays: 5 } })],
      ['negative days', articleInput({ slug, commentPolicy: { closeAfterDays: -1 } })],
      ['not an object', [1, 2, 3]],
    ];
    for (const [name, body] of cases) {
      const response = await api('POST', '/api/v1/articles', { token: editorToken(), body });
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(response.body.code).toMatch(/validation_failed|invalid_comment_policy|bad_request/);
      expect(response.body.correlationId).toEqual(expect.any(String));
    }
    const malformed = await api('POST', '/api/v1/articles', { token: editorToken(), rawBody: '{"title": ' });
    expect(malformed.status).toBe(400);
    const fields = (await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput({ title: '', slug: 'Bad' }) })).body.details.fields;
    expect(fields).toEqual(expect.arrayContaining([expect.stringMatching(/^title: /), expect.stringMatching(/^slug: /)]));

    expect(await withDatabase('articles', (db) => db.collection('articles').countDocuments())).toBe(before);
    const leaked = await readTopic(TOPICS.ARTICLES, (m) => (m.value ?? '').includes(slug), () => false, 3_000);
    expect(leaked).toEqual([]);
  });

  it('refuses a slug that is taken, and an update to a story that does not exist', async () => {
    const body = articleInput();
    expect((await api('POST', '/api/v1/articles', { token: editorToken(), body })).status).toBe(201);
    const again = await api('POST', '/api/v1/articles', { token: editorToken(), body: { ...body, title: 'Another' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('slug_taken');
    const missing = await api('PATCH', '/api/v1/articles/6f1c1f52-5b43-4c9f-9d55-000000000000', { token: editorToken(), body: { title: 'x' } });
    expect(missing.status).toBe(404);
    expect((await api('GET', '/api/v1/articles/not-a-uuid')).status).toBe(400);
  });
});

describe('identity', () => {
  const body = () => articleInput();

  it('needs a valid token to publish, and the editor role', async () => {
    const bad = badTokens(system().jwtSecret);
    expect((await api('POST', '/api/v1/articles', { body: body() })).status).toBe(401);
    for (const token of Object.values(bad)) {
      const response = await api('POST', '/api/v1/articles', { token, body: body() });
      expect(response.status).toBe(401);
    }
    expect((await api('POST', '/api/v1/articles', { body: body(), headers: { authorization: 'Basic abc' } })).status).toBe(401);
    for (const roles of [['reader'], ['moderator']] as const) {
      const response = await api('POST', '/api/v1/articles', { token: tokenFor({ roles: [...roles] }), body: body() });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('forbidden');
    }
    expect((await api('POST', '/api/v1/articles', { token: tokenFor({ roles: ['admin'] }), body: body() })).status).toBe(201);
  });

  it('lets anyone read published stories and threads, but not with a bad token', async () => {
    const { body: article } = await api('POST', '/api/v1/articles', { token: editorToken(), body: body() });
    expect((await api('GET', `/api/v1/articles/${article.id}`)).status).toBe(200);
    expect((await api('GET', `/api/v1/articles/${article.id}`, { token: badTokens(system().jwtSecret).expired })).status).toBe(401);
  });

  it('serves its OpenAPI document', async () => {
    const doc = await api('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/articles', '/api/v1/articles/{id}', '/api/v1/articles/{id}/comments']));
    expect(doc.body.components.schemas.PublishArticleInput.properties.slug).toBeDefined();
  });
});
