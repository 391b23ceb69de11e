import { EventPattern } from '@nestjs/microservices';
import { EventEnvelope, EventType } from '@app/contracts';

/** What the event server needs to know about a handler beyond the types it takes. */
export interface OnEventExtras {
  /**
   * Events that share a key are handled in order; others may be handled side by side. Always
   * within the message key (the story): this only makes the order finer, e.g. per comment, or
   * per comment and per author (several keys: an event waits for every earlier event sharing any).
   */
  orderBy?: (event: EventEnvelope<any>) => string | string[]; // eslint-disable-line @typescript-eslint/no-explicit-any -- any event of its types
  /** Snapshot events: their key and version; of one key's events in a fetched batch only the newest version is handled (see OnEventNewest). */
  newestOf?: (event: EventEnvelope<any>) => [key: string, version: number]; // eslint-disable-line @typescript-eslint/no-explicit-any -- any event of its types
}

/**
 * `@OnEvent('article.published', 'article.updated')`: a handler for events of these types.
 * Type-checked against the contracts, so a typo does not compile. Events of one story (the
 * message key) are handled in order.
 */
export const OnEvent = (...types: [EventType, ...EventType[]]) => EventPattern(types);

/**
 * `@OnEventInOrderOf((event) => event.payload.commentId, 'comment.submitted')`: as OnEvent, but
 * only events with the same ordering key (within one story) need to wait for each other, so a
 * busy story's events are handled side by side.
 */
export const OnEventInOrderOf = <P>(orderBy: (event: EventEnvelope<P>) => string | string[], ...types: [EventType, ...EventType[]]) =>
  EventPattern(types, { orderBy } as OnEventExtras);

/**
 * `@OnEventNewest((event) => [event.payload.articleId, event.payload.seq], 'thread.opened', …)`:
 * for a handler of snapshot events (each carries the whole state after its change, and the
 * newest version wins, so applying an older one after it changes nothing): of the events with
 * one key in a fetched batch, only the one with the highest version is handled; the others are
 * skipped, counted as `superseded`. An old story moved in announces opened, closed and archived
 * together: one write instead of three. Only for handlers whose outcome depends on the newest
 * state alone.
 */
export const OnEventNewest = <P>(newestOf: (event: EventEnvelope<P>) => [key: string, version: number], ...types: [EventType, ...EventType[]]) =>
  EventPattern(types, { newestOf } as OnEventExtras);
