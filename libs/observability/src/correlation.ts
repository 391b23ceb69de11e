import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What a log line or a new event needs to know about the work in progress. */
export interface CorrelationContext {
  correlationId: string;
  /** The id of the event being handled, when the work was caused by one. */
  causationId?: string;
}

export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<CorrelationContext>();

export const runWithCorrelation = <T>(context: CorrelationContext, work: () => T): T => storage.run(context, work);

export const currentCorrelation = (): CorrelationContext | undefined => storage.getStore();

/** A correlation id from a client is used only when it looks like one, so it cannot inject into logs. */
export const correlationIdFrom = (header: unknown): string =>
  typeof header === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(header) ? header : randomUUID();
