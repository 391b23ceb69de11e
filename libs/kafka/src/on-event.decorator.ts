import { EventPattern } from '@nestjs/microservices';
import { EventType } from '@app/contracts';

/**
 * `@OnEvent('article.published', 'article.updated')`: a handler for events of these types.
 * Type-checked against the contracts, so a typo does not compile.
 */
export const OnEvent = (...types: [EventType, ...EventType[]]) => EventPattern(types);
