/** MongoDB's duplicate key error (a unique index refused the write); FerretDB answers the same code. */
export const isDuplicateKeyError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
