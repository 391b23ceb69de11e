import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { Observable, throwError } from 'rxjs';
import { DomainError, ErrorBody, ErrorKind } from '@app/contracts';
import { correlationIdFrom, CORRELATION_HEADER } from '@app/observability';

const STATUS_OF: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rate_limited: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** An error answered by another service of ours, passed on as it came (see InternalClient). */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody>,
  ) {
    super(body.message ?? `upstream answered ${status}`);
  }
}

const codeOfStatus = (status: number) => (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_');

/**
 * The one place an error becomes an HTTP answer: domain errors by their kind, Nest's HTTP
 * errors as they are, anything else as a 500 that says nothing of the internals. Every body
 * has the same shape and the request's correlation id.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Event handlers share the app's global filters (inheritAppConfig): there the error goes
    // back to the event server untouched, which retries or dead-letters with the real message.
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, unknown> }>();
    const reply = http.getResponse<{ status(code: number): { send(body: unknown): void }; code?: unknown }>();
    const body = this.toBody(exception);
    const correlationId = request.headers[CORRELATION_HEADER];
    if (typeof correlationId === 'string') body.correlationId = correlationId;
    if (body.statusCode >= 500) this.logger.error({ msg: 'request failed', error: (exception as Error)?.stack ?? String(exception) });
    reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_OF[exception.kind];
      return { statusCode, error: STATUS_CODES[statusCode]!, code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
    }
    if (exception instanceof UpstreamError) {
      const statusCode = exception.status;
      return {
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Error',
        code: exception.body.code ?? codeOfStatus(statusCode),
        message: exception.body.message ?? 'request failed',
        ...(exception.body.details ? { details: exception.body.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string' ? response : Array.isArray((response as { message?: unknown }).message) ? 'request is invalid' : String((response as { message?: unknown }).message ?? exception.message);
      // Fastify's own parse errors (bad JSON, too large) arrive as HttpExceptions too.
      return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code: codeOfStatus(statusCode), message };
    }
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Errors thrown by fastify before Nest routes the request (FST_ERR_CTP_*, body limits).
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code: codeOfStatus(status), message: fastifyMessage(exception) };
    }
    return { statusCode: 500, error: STATUS_CODES[500]!, code: 'internal_error', message: 'something went wrong on our side' };
  }
}

function fastifyMessage(exception: unknown): string {
  const code = (exception as { code?: string }).code;
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported content type: send application/json';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'request body is too large';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'request body is empty';
  if (exception instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'request body is not valid JSON';
  return 'request is invalid';
}

/**
 * Fastify's `frameworkErrors`: URLs it cannot route (bad percent-encoding, a too long path
 * parameter) never reach Nest; they get the same error shape, without fastify's internal codes.
 */
export function frameworkErrorReply(
  error: { code?: string },
  request: { headers: Record<string, unknown> },
  reply: { status(code: number): { header(name: string, value: string): { send(body: unknown): void } } },
): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const statusCode = tooLong ? 414 : 400;
  const correlationId = correlationIdFrom(request.headers[CORRELATION_HEADER]);
  const body: ErrorBody = {
    statusCode,
    error: STATUS_CODES[statusCode]!,
    code: tooLong ? 'uri_too_long' : 'bad_url',
    message: tooLong ? 'a path parameter is too long' : 'the URL is not valid (bad percent-encoding?)',
    correlationId,
  };
  reply.status(statusCode).header(CORRELATION_HEADER, correlationId).send(body);
}
