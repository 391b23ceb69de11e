import { DynamicModule, Module, Provider } from '@nestjs/common';
import { loadConfig } from './load-config';

/**
 * Validates the environment when the app is created (so a bad value stops the boot with a
 * message naming it) and provides the typed result under its class and each base class (e.g.
 * ServiceConfig): a service asks for `ArticlesConfig`, a lib for `ServiceConfig`, and both get
 * the same object. Nothing else reads process.env.
 */
@Module({})
export class ConfigModule {
  static forRoot<T extends object>(cls: new () => T, load: () => T = () => loadConfig(cls)): DynamicModule {
    const tokens: Function[] = [cls];
    for (let base = Object.getPrototypeOf(cls); base && base !== Function.prototype; base = Object.getPrototypeOf(base)) {
      tokens.push(base);
    }
    const providers: Provider[] = tokens.map((token) =>
      token === cls ? { provide: cls, useFactory: load } : { provide: token, useExisting: cls },
    );
    return { module: ConfigModule, global: true, providers, exports: tokens };
  }
}
