import { loadConfig } from '@app/config';
import { bootstrap, BootstrapOptions } from '@app/http';
import { AppModule } from './app.module';
import { registerConsole } from './console/console.static';
import { GatewayConfig } from './gateway.config';
import { setupOpenApi } from './openapi/openapi';
import { ThreadCache } from './thread-cache/thread-cache';
import { registerThreadReadFastPath } from './thread-cache/thread-cache.fast-path';

void bootstrap(AppModule, {
  ...adapterOptions(),
  configure: async (app) => {
    setupOpenApi(app);
    registerThreadReadFastPath(app, app.get(ThreadCache));
    await registerConsole(app);
  },
});

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
