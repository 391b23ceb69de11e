import { loadConfig } from '@app/config';
import { bootstrap } from '@app/http';
import { AppModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { setupOpenApi } from './openapi/openapi';

void bootstrap(AppModule, {
  ...adapterOptions(),
  configure: (app) => setupOpenApi(app),
});

/** The HTTP adapter is built before the config module loads; a bad value is reported by the module. */
function adapterOptions(): { bodyLimit?: number; trustProxy?: boolean } {
  try {
    const config = loadConfig(GatewayConfig);
    return { bodyLimit: config.BODY_LIMIT_BYTES, trustProxy: config.TRUST_PROXY };
  } catch {
    return {};
  }
}
