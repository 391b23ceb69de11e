import { randomUUID } from 'node:crypto';
import { EventMeta } from '@app/contracts';
import { currentCorrelation } from '@app/observability';

/** Meta for a new event: caused by the request or event being handled, if any. */
export const eventMeta = (producer: string): EventMeta => {
  const context = currentCorrelation();
  return { producer, correlationId: context?.correlationId ?? randomUUID(), ...(context?.causationId ? { causationId: context.causationId } : {}) };
};
