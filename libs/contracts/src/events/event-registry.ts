import { randomUUID } from 'node:crypto';
import { ArticlePublishedPayload, ArticleUnpublishedPayload, ArticleUpdatedPayload } from '../articles/article.events';
import { ThreadChangedPayload } from '../threads/thread.events';
import { CommentImportedPayload } from '../comments/comment.events';
import { UserErasedPayload } from '../comments/reader-data.events';
import { CommentStatusChangedPayload, CommentSubmittedPayload } from '../comments/comment.submission';
import { CommentReportedPayload, ModerationDecidedPayload, UserNotedPayload, UserSanctionPayload } from '../moderation/moderation.events';
import { TOPICS, Topic } from '../topics';
import { validatePlain } from '../validation';
import { EventEnvelope, EventMeta } from './event-envelope';

interface EventDefinition {
  version: number;
  topic: Topic;
  payload: new () => object;
}

/**
 * Every event the system knows, defined once: its current schema version, its topic and the
 * class that validates its payload. Publishers and handlers are typed from this map.
 */
export const EVENTS = {
  'article.published': { version: 1, topic: TOPICS.ARTICLES, payload: ArticlePublishedPayload },
  'article.updated': { version: 1, topic: TOPICS.ARTICLES, payload: ArticleUpdatedPayload },
  'article.unpublished': { version: 1, topic: TOPICS.ARTICLES, payload: ArticleUnpublishedPayload },
  'thread.opened': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'thread.closed': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'thread.reopened': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'thread.archived': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'thread.hidden': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'thread.rescheduled': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'thread.count_changed': { version: 1, topic: TOPICS.COMMENTS, payload: ThreadChangedPayload },
  'comment.imported': { version: 1, topic: TOPICS.COMMENTS, payload: CommentImportedPayload },
  'comment.submitted': { version: 1, topic: TOPICS.COMMENTS, payload: CommentSubmittedPayload },
  'comment.edited': { version: 1, topic: TOPICS.COMMENTS, payload: CommentSubmittedPayload },
  'comment.approved': { version: 1, topic: TOPICS.COMMENTS, payload: CommentStatusChangedPayload },
  'comment.held': { version: 1, topic: TOPICS.COMMENTS, payload: CommentStatusChangedPayload },
  'comment.rejected': { version: 1, topic: TOPICS.COMMENTS, payload: CommentStatusChangedPayload },
  'comment.deleted': { version: 1, topic: TOPICS.COMMENTS, payload: CommentStatusChangedPayload },
  'user.erased': { version: 1, topic: TOPICS.COMMENTS, payload: UserErasedPayload },
  'comment.reported': { version: 1, topic: TOPICS.MODERATION, payload: CommentReportedPayload },
  'moderation.decided': { version: 1, topic: TOPICS.MODERATION, payload: ModerationDecidedPayload },
  'user.sanctioned': { version: 1, topic: TOPICS.MODERATION, payload: UserSanctionPayload },
  'user.sanction_lifted': { version: 1, topic: TOPICS.MODERATION, payload: UserSanctionPayload },
  'user.noted': { version: 1, topic: TOPICS.MODERATION, payload: UserNotedPayload },
} as const satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENTS;
export type EventPayload<T extends EventType> = InstanceType<(typeof EVENTS)[T]['payload']>;
export type EventOf<T extends EventType> = EventEnvelope<EventPayload<T>> & { type: T };
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];

export const isEventType = (type: string): type is EventType => Object.prototype.hasOwnProperty.call(EVENTS, type);

export const topicOf = (type: EventType): Topic => EVENTS[type].topic;

/** Builds a new event of the current version. `key` is the story id the event is about. */
export function createEvent<T extends EventType>(type: T, key: string, payload: EventPayload<T>, meta: EventMeta): EventOf<T> {
  return {
    id: meta.id ?? randomUUID(),
    type,
    version: EVENTS[type].version,
    occurredAt: new Date().toISOString(),
    producer: meta.producer,
    key,
    correlationId: meta.correlationId,
    ...(meta.causationId ? { causationId: meta.causationId } : {}),
    payload,
  };
}

export type ParsedEvent =
  | { ok: true; event: AnyEvent }
  | { ok: false; reason: 'malformed' | 'unknown_type' | 'unsupported_version' | 'invalid_payload'; errors: string[]; type?: string };

/**
 * Parses and validates one event read from a topic. Never throws: a bad event is a value the
 * consumer can dead-letter with its reason.
 */
export function parseEvent(raw: string | Buffer | null | undefined): ParsedEvent {
  let plain: unknown;
  try {
    plain = JSON.parse(raw == null ? '' : raw.toString());
  } catch {
    return { ok: false, reason: 'malformed', errors: ['value is not JSON'] };
  }
  const envelope = validatePlain(EventEnvelope, plain);
  if (!envelope.ok) return { ok: false, reason: 'malformed', errors: envelope.errors };
  const { type, version } = envelope.value;
  if (!isEventType(type)) return { ok: false, reason: 'unknown_type', errors: [`unknown event type ${type}`], type };
  if (version !== EVENTS[type].version) {
    return {
      ok: false,
      reason: 'unsupported_version',
      errors: [`${type} version ${version} is not supported (expected ${EVENTS[type].version})`],
      type,
    };
  }
  const payloadClass: new () => object = EVENTS[type].payload;
  const payload = validatePlain(payloadClass, envelope.value.payload);
  if (!payload.ok) return { ok: false, reason: 'invalid_payload', errors: payload.errors, type };
  return { ok: true, event: { ...envelope.value, payload: payload.value } as AnyEvent };
}
