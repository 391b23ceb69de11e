import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ConfigError, BaseConfig } from '@app/config';
import { connectEventConsumer } from '@app/kafka';
import { correlationIdFrom, CORRELATION_HEADER } from '@app/observability';
import { CorrelationInterceptor } from './correlation.interceptor';
import { HttpErrorFilter } from './http-error.filter';
import { createValidationPipe } from './validation.pipe';

export interface BootstrapOptions {
  /** Attach the Kafka event consumer (services with @EventPattern handlers). */
  consumesEvents?: boolean;
  /** Largest accepted request body. */
  bodyLimit?: number;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy?: boolean;
  /** Extra setup before listening (the gateway adds OpenAPI here). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/** The same start for every service: JSON logs, correlation ids, validation, errors, shutdown. */
export async function bootstrap(module: Type<unknown>, options: BootstrapOptions = {}): Promise<INestApplication> {
  try {
    const adapter = new FastifyAdapter({
      bodyLimit: options.bodyLimit ?? 1_048_576,
      trustProxy: options.trustProxy ?? false,
      connectionTimeout: 30_000,
      requestTimeout: 30_000,
    });
    // Every request gets a correlation id before anything logs: the caller's if well-formed, else a new one.
    adapter.getInstance().addHook('onRequest', (request, reply, done) => {
      const id = correlationIdFrom(request.headers[CORRELATION_HEADER]);
      request.headers[CORRELATION_HEADER] = id;
      void reply.header(CORRELATION_HEADER, id);
      done();
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
