/**
 * Kafka topics, one per producing domain. Every event on a topic is keyed by the story
 * (article) id, so all events about one story land on one partition and stay in order.
 */
export const TOPICS = {
  ARTICLES: 'articles.events',
  COMMENTS: 'comments.events',
  MODERATION: 'moderation.events',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

/** Each consumer group dead-letters into its own topic, so an operator knows who failed. */
export const deadLetterTopic = (groupId: string): string => `${groupId}.dlq`;
