/**
 * Domain errors carry a stable code and a kind. Services throw them; only HTTP edges map the
 * kind to a status (see libs/http). The codes are part of the public API: clients may switch on them.
 */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The JSON body of every error answered by our HTTP APIs, public and internal alike. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  correlationId?: string;
}
