import { plainToInstance } from 'class-transformer';
import { Matches, ValidationError, validateSync } from 'class-validator';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Flattens class-validator's tree into "path: message" lines a human can act on. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/** Turns untrusted plain data into a validated instance of `cls`. Unknown fields are tolerated. */
export function validatePlain<T extends object>(cls: new () => T, plain: unknown): Validated<T> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: ['expected an object'] };
  }
  const value = plainToInstance(cls, plain, { exposeDefaultValues: true });
  const errors = validateSync(value, { forbidUnknownValues: true });
  return errors.length ? { ok: false, errors: flattenValidationErrors(errors) } : { ok: true, value };
}

/**
 * No C0 control characters other than tab and line breaks: NUL in particular, which PostgreSQL
 * (under FerretDB) cannot store or compare, so a query holding one failed as a 500 upstream.
 */
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/** A string field (body or query parameter) that must not carry control characters. */
export const NoControlCharacters = (): PropertyDecorator => Matches(NO_CONTROL_CHARACTERS, { message: '$property must not contain control characters' });
