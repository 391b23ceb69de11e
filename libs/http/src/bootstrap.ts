import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ConfigError, BaseConfig } from '@app/config';
import { connectEventConsumer } from '@app/kafka';
import { collectProcessMetrics, correlationIdFrom, CORRELATION_HEADER, httpRequestSeconds } from '@app/observability';
import { DomainError } from '@app/contracts';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './body-depth';
import { CorrelationInterceptor } from './correlation.interceptor';
import { frameworkErrorReply, HttpErrorFilter } from './http-error.filter';
import { createValidationPipe } from './validation.pipe';

export interface BootstrapOptions {
  /** Attach the Kafka event consumer (services with @EventPattern handlers). */
  consumesEvents?: boolean;
  /** Largest accepted request body. */
  bodyLimit?: number;
  /**
   * Take the client address from X-Forwarded-For (only behind a proxy that sets it): false, or
   * the number of proxy hops in front of us. Never `true` (every hop): the leftmost entry is
   * whatever the client wrote, and per-address rate limits would be a header away from void.
   */
  trustProxy?: false | number;
  /**
   * Longest time to receive a whole request, headers and body: a client that dribbles bytes
   * (slowloris) is answered 408 and cut off after it.
   */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (above the load balancer's idle timeout). */
  keepAliveTimeoutMs?: number;
  /** Extra setup before listening (the gateway adds OpenAPI here). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/** The same start for every service: JSON logs, correlation ids, validation, errors, shutdown. */
export async function bootstrap(module: Type<unknown>, options: BootstrapOptions = {}): Promise<INestApplication> {
  try {
    const requestTimeout = options.requestTimeoutMs ?? 30_000;
    const adapter = new FastifyAdapter({
      bodyLimit: options.bodyLimit ?? 1_048_576,
      trustProxy: options.trustProxy ?? false,
      // A socket with no traffic at all is closed after this.
      connectionTimeout: 30_000,
      requestTimeout,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 72_000,
      // Node checks request deadlines only every connectionsCheckingInterval (30 s by default),
      // which would let a slow client hold a socket for up to twice the timeout.
      http: { headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(requestTimeout / 4))) },
      // User ids in paths may be 200 characters (percent-encoded: more); fastify's default is 100.
      routerOptions: { maxParamLength: 2_048 },
      // Malformed URLs are answered before any hook runs: give them our error shape too.
      frameworkErrors: (error: { code?: string }, request: { headers: Record<string, unknown> }, reply: unknown) => frameworkErrorReply(error, request, reply as never),
    });
    // Every request gets a correlation id before anything logs: the caller's if well-formed, else a new one.
    adapter.getInstance().addHook('onRequest', (request, reply, done) => {
      const id = correlationIdFrom(request.headers[CORRELATION_HEADER]);
      request.headers[CORRELATION_HEADER] = id;
      void reply.header(CORRELATION_HEADER, id);
      done();
    });
    // Every answer is timed by route pattern, those of hooks that answer early (the gateway's cache) included.
    collectProcessMetrics();
    adapter.getInstance().addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      httpRequestSeconds.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
    // Refused before validation: the recursive validators would overflow the stack (a 500).
    adapter.getInstance().addHook('preValidation', (request, _reply, done) => {
      if (nestsDeeperThan(request.body)) {
        done(new DomainError('invalid', 'body_too_deep', `the request body nests deeper than ${MAX_BODY_DEPTH} levels`));
      } else done();
    });
    const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new HttpErrorFilter());
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalInterceptors(new CorrelationInterceptor());
    app.enableShutdownHooks();
    if (options.consumesEvents) connectEventConsumer(app);
    await options.configure?.(app);
    await app.startAllMicroservices();
    const config = app.get(BaseConfig);
    await app.listen(config.PORT, config.HOST);
    app.get(Logger).log({ msg: 'listening', port: config.PORT, host: config.HOST });
    return app;
  } catch (error) {
    // A bad configuration is an operator's mistake: say what is wrong, without a stack trace.
    if (error instanceof ConfigError) console.error(error.message);
    else console.error((error as Error)?.stack ?? String(error));
    process.exit(1);
  }
}
