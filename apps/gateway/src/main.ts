import { loadConfig } from '@app/config';
import { bootstrap } from '@app/http';
import { AppModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { setupOpenApi } from './openapi/openapi';

void bootstrap(AppModule, {
  bodyLimit: safeBodyLimit(),
  configure: (app) => setupOpenApi(app),
});

/** The adapter is built before the config module loads; a bad value is reported by the module. */
function safeBodyLimit(): number | undefined {
  try {
    return loadConfig(GatewayConfig).BODY_LIMIT_BYTES;
  } catch {
    return undefined;
  }
}
