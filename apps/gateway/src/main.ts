import { loadConfig } from '@app/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootstrap, BootstrapOptions } from '@app/http';
import { AppModule } from './app.module';
import { registerEmbed } from './embed/embed';
import { registerXmlBody } from './imports/imports.body';
import { registerConsole } from './console/console.static';
import { GatewayConfig } from './gateway.config';
import { setupOpenApi } from './openapi/openapi';
import { ThreadCache } from './thread-cache/thread-cache';
import { registerThreadReadFastPath } from './thread-cache/thread-cache.fast-path';

void bootstrap(AppModule, {
  ...adapterOptions(),
  configure: async (app) => {
    registerXmlBody(app);
    setupOpenApi(app);
    enableCors(app);
    registerEmbed(app);
    registerThreadReadFastPath(app, app.get(ThreadCache));
    await registerConsole(app);
  },
});

/**
 * News sites embedding the widget (CORS_ORIGINS) call the public API from their readers'
 * browsers: bearer tokens in a header, never cookies, so no credentials mode.
 */
function enableCors(app: NestFastifyApplication): void {
  const origins = app.get(GatewayConfig).CORS_ORIGINS;
  if (!origins.length) return;
  app.enableCors({
    origin: origins.map((origin) => origin.replace(/\/+$/, '')),
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id', 'x-correlation-id'],
    exposedHeaders: ['retry-after', 'x-correlation-id'],
    maxAge: 600,
  });
}

/** The HTTP adapter is built before the config module loads; a bad value is reported by the module. */
function adapterOptions(): Pick<BootstrapOptions, 'bodyLimit' | 'trustProxy' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'> {
  try {
    const config = loadConfig(GatewayConfig);
    return {
      bodyLimit: config.BODY_LIMIT_BYTES,
      trustProxy: config.TRUST_PROXY ? config.TRUST_PROXY_HOPS : false,
      requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    };
  } catch {
    return {};
  }
}
