import { DomainError } from '@app/contracts';

/** The file is not well-formed XML (or not the format named): refused before anything is stored. */
export const malformedFile = (message: string, line: number, column: number) =>
  new DomainError('invalid', 'malformed_import_file', `the file is not well-formed at line ${line}, column ${column}: ${message}; nothing was imported`, {
    line,
    column,
  });

export const wrongFormat = (expected: string, found: string) =>
  new DomainError('invalid', 'wrong_import_format', `the file's root element is <${found}>, a ${expected} export has <${expected === 'disqus' ? 'disqus' : 'rss'}>; nothing was imported`, {
    root: found,
  });

export const invalidMapping = (message: string) => new DomainError('invalid', 'invalid_import_mapping', `the mapping ${message}`);

export const importTooLarge = (limit: number) =>
  new DomainError('invalid', 'import_too_large', `an import through this route is at most ${limit} bytes; use the import command for larger files`, { limit });
