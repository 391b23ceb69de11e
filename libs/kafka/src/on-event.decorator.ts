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
