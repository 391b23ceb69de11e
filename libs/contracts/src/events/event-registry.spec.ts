import { randomUUID } from 'node:crypto';
import { createEvent, EVENTS, parseEvent } from './event-registry';

const published = () =>
  createEvent(
    'article.published',
    'a1',
    {
      articleId: randomUUID(),
      revision: 1,
      slug: 'a-story',
      title: 'A story',
      byline: 'Christine Stuart',
      categories: ['Hartford'],
      tags: [],
      photoCredits: [{ name: 'Christine Stuart' }],
      publishedAt: new Date('2015-07-21T09:30:00Z'),
      commentPolicy: { closeAfterDays: 14, archiveAfterDays: 30, preModeration: false },
    },
    { producer: 'articles', correlationId: 'c1' },
  );

describe('events', () => {
  it('round-trips through JSON into a validated, typed event', () => {
    const event = published();
    const parsed = parseEvent(JSON.stringify(event));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.event.type !== 'article.published') throw new Error('not parsed');
    expect(parsed.event.payload.publishedAt).toEqual(new Date('2015-07-21T09:30:00Z'));
    expect(parsed.event).toMatchObject({ id: event.id, version: EVENTS['article.published'].version, key: 'a1', correlationId: 'c1' });
  });

  it.each([
    ['not JSON', '{nope', 'malformed'],
    ['no envelope', JSON.stringify({ hello: 'world' }), 'malformed'],
    ['unknown type', JSON.stringify({ ...published(), type: 'article.exploded' }), 'unknown_type'],
    ['newer version', JSON.stringify({ ...published(), version: 2 }), 'unsupported_version'],
    ['bad payload', JSON.stringify({ ...published(), payload: { articleId: 'x' } }), 'invalid_payload'],
    ['empty', '', 'malformed'],
  ])('refuses %s with a reason', (_name, raw, reason) => {
    const parsed = parseEvent(raw);
    expect(parsed).toMatchObject({ ok: false, reason });
    if (!parsed.ok) expect(parsed.errors.length).toBeGreaterThan(0);
  });

  it('gives every event a new id and the current version', () => {
    const [a, b] = [published(), published()];
    expect(a.id).not.toBe(b.id);
    expect(a.version).toBe(1);
  });
});
