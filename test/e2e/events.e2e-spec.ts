import { randomUUID } from 'node:crypto';
import { createEvent, deadLetterTopic, TOPICS } from '@app/contracts';
import { eventually } from '@app/testing';
import { api } from '../support/api';
import { eventsOf, produce, readTopic } from '../support/kafka';
import { withDatabase } from '../support/mongo';
import { consumerGroupOf, system, topicPrefixOf } from '../support/services';

/** An article.published event as the articles service would send it, for a story of our own. */
function publishedEvent(articleId = randomUUID()) {
  const slug = `event-story-${articleId.slice(0, 8)}`;
  return createEvent(
    'article.published',
    articleId,
    {
      articleId,
      revision: 1,
      slug,
      title: 'Sent straight to the topic',
      byline: 'Test',
      categories: [],
      tags: [],
      photoCredits: [],
      publishedAt: new Date(),
      commentPolicy: { closeAfterDays: 14, archiveAfterDays: 30, preModeration: false },
    },
    { producer: 'articles', correlationId: randomUUID() },
  );
}

const message = (event: { key: string }) => ({ key: event.key, value: JSON.stringify(event) });

describe('event delivery', () => {
  it('applies the same event delivered twice only once', async () => {
    const event = publishedEvent();
    await produce(TOPICS.ARTICLES, [message(event), message(event)]);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${event.key}/comments`)).status).toBe(200));
    // Both copies were consumed by the time a later event on the same partition is handled.
    const marker = publishedEvent();
    await produce(TOPICS.ARTICLES, [{ ...message(marker), key: event.key, value: JSON.stringify({ ...marker, key: event.key, payload: { ...marker.payload, articleId: event.key, revision: 1 } }) }]);
    const opened = await readTopic(TOPICS.COMMENTS, (m) => m.key === event.key, () => false, 4_000);
    expect(opened.map((m) => JSON.parse(m.value!).type)).toEqual(['thread.opened']);
    expect(await withDatabase('comments', (db) => db.collection('threads').countDocuments({ _id: event.key as never }))).toBe(1);
    await eventually(async () =>
      expect(await withDatabase('moderation', (db) => db.collection('stories').countDocuments({ _id: event.key as never }))).toBe(1),
    );
  });

  it('dead-letters a poison event with its reason, and goes on with the partition', async () => {
    const key = randomUUID();
    const next = publishedEvent(key);
    const unknownVersion = { ...publishedEvent(key), version: 99 };
    await produce(TOPICS.ARTICLES, [{ key, value: '{"this is": not json' }, message(unknownVersion), message(next)]);

    // The event after the poison on the same partition (same key) is still processed.
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${key}/comments`)).status).toBe(200));

    const dlq = deadLetterTopic(consumerGroupOf(system(), 'comments'));
    const dead = await readTopic(dlq, (m) => m.key === key, (m) => m.length >= 2);
    expect(dead.map((m) => m.headers['dlq-reason'])).toEqual(['malformed', 'unsupported_version']);
    expect(dead[0]).toMatchObject({ value: '{"this is": not json' });
    expect(dead[0].headers).toMatchObject({ 'dlq-origin-topic': topicPrefixOf(system()) + TOPICS.ARTICLES, 'dlq-consumer-group': consumerGroupOf(system(), 'comments') });
    expect(dead[1].headers['dlq-error']).toContain('version 99 is not supported');
    // Each consumer group dead-letters into its own topic.
    const moderationDead = await readTopic(deadLetterTopic(consumerGroupOf(system(), 'moderation')), (m) => m.key === key, (m) => m.length >= 2);
    expect(moderationDead).toHaveLength(2);
  });

  it('records the causation chain: thread.opened is caused by article.published, same correlation id', async () => {
    const event = publishedEvent();
    await produce(TOPICS.ARTICLES, [message(event)]);
    const [opened] = await eventsOf(TOPICS.COMMENTS, event.key);
    expect(opened).toMatchObject({ type: 'thread.opened', producer: 'comments', correlationId: event.correlationId, causationId: event.id, version: 1 });
  });
});
