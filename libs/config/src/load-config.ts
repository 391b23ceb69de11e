import { plainToInstance, Transform } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@app/contracts';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment once, at boot, into a typed and validated object. Every bad variable is
 * listed at once, by name, so ops fix them in one round.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(cls, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length) throw new ConfigError(flattenValidationErrors(errors));
  return config;
}

/** "true"/"false"/"1"/"0" → boolean; implicit conversion would turn "false" into true. */
export const EnvBoolean = () =>
  Transform(({ obj, key }) => {
    const raw = String(obj[key]).toLowerCase();
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    return raw;
  });

/** "a,b , c" → ['a', 'b', 'c']. */
export const EnvList = () =>
  Transform(({ obj, key }) =>
    String(obj[key])
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
