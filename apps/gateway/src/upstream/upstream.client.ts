import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { Dispatcher, Pool } from 'undici';
import { Actor, DomainError, ErrorBody } from '@app/contracts';
import { serviceAuthHeaders, UpstreamError } from '@app/http';
import { CORRELATION_HEADER, currentCorrelation } from '@app/observability';
import { GatewayConfig } from '../gateway.config';

export type Upstream = 'articles' | 'comments' | 'moderation';

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  actor?: Actor;
  /** Extra headers passed on as they are (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
}

/**
 * Plain HTTP from the gateway to the services behind it (queries and commands that need an
 * answer); services never call each other. Keep-alive pools, a deadline on every call, and
 * errors passed on: a service's 4xx reaches the client as it was, anything worse becomes a 503
 * that reveals nothing internal.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly logger = new Logger(UpstreamClient.name);
  private readonly pools: Record<Upstream, Pool>;

  constructor(private readonly config: GatewayConfig) {
    // Idle connections are dropped well before the services drop them (their socket timeout is
    // 30 s): a request sent on a connection the other side is closing fails as a 503.
    const pool = (url: string) => new Pool(url, { connections: 128, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 10_000 });
    this.pools = { articles: pool(config.ARTICLES_URL), comments: pool(config.COMMENTS_URL), moderation: pool(config.MODERATION_URL) };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((pool) => pool.close()));
  }

  async call<T>(upstream: Upstream, request: UpstreamRequest): Promise<T> {
    return parseSuccess<T>(await this.send(upstream, request), upstream, this.logger);
  }

  /**
   * The same, answering the service's JSON text as it came (for caches: no re-serializing);
   * still checked to be JSON, so garbage from a broken service is a 503, never passed on.
   */
  async callRaw(upstream: Upstream, request: UpstreamRequest): Promise<string> {
    const text = await this.send(upstream, request);
    parseSuccess(text, upstream, this.logger);
    return text;
  }

  private async send(upstream: Upstream, request: UpstreamRequest): Promise<string> {
    const path = request.path + queryString(request.query);
    const headers: Record<string, string> = {
      ...request.headers,
      accept: 'application/json',
      // Every call is signed, anonymous ones too: the services answer nothing unsigned.
      ...serviceAuthHeaders(this.config.SERVICE_AUTH_SECRET, request.method, path, request.actor),
    };
    const correlationId = currentCorrelation()?.correlationId;
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pools[upstream].request({
        method: request.method,
        path,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        headersTimeout: this.config.UPSTREAM_TIMEOUT_MS,
        bodyTimeout: this.config.UPSTREAM_TIMEOUT_MS,
      });
    } catch (error) {
      this.logger.warn({ msg: 'upstream unreachable', upstream, error: (error as Error).message });
      throw unavailable(upstream);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      // The headers came in time but the body did not (bodyTimeout), or the connection broke.
      this.logger.warn({ msg: 'upstream body unreadable', upstream, error: (error as Error).message });
      throw unavailable(upstream);
    }
    if (response.statusCode < 300) return text;
    if (response.statusCode < 500) throw new UpstreamError(response.statusCode, parseError(text));
    this.logger.warn({ msg: 'upstream failed', upstream, status: response.statusCode });
    throw unavailable(upstream);
  }

  /** The gateway is ready when it reaches every service behind it. */
  readinessChecks(health: HealthIndicatorService): HealthIndicatorFunction[] {
    return (Object.keys(this.pools) as Upstream[]).map((upstream) => async () => {
      const indicator = health.check(upstream);
      try {
        const response = await this.pools[upstream].request({ method: 'GET', path: '/health/live', headersTimeout: 1_000, bodyTimeout: 1_000 });
        await response.body.dump();
        return response.statusCode === 200 ? indicator.up() : indicator.down({ httpStatus: response.statusCode });
      } catch (error) {
        return indicator.down({ message: (error as Error).message });
      }
    });
  }
}

const unavailable = (upstream: Upstream) =>
  new DomainError('unavailable', 'service_unavailable', `the ${upstream} service is unavailable; try again shortly`);

function queryString(query: UpstreamRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A service answering 2xx with something that is not JSON is broken: a 503, not a 500 with a parser's message. */
function parseSuccess<T>(text: string, upstream: Upstream, logger: Logger): T {
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    logger.warn({ msg: 'upstream answered garbage', upstream, length: text.length });
    throw unavailable(upstream);
  }
}

function parseError(text: string): Partial<ErrorBody> {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    return { code: body.code, message: body.message, details: body.details };
  } catch {
    return {};
  }
}
