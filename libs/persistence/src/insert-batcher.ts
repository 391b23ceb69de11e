import { GroupCommit, GroupCommitOptions } from './group-commit';

export type InsertBatcherOptions = GroupCommitOptions;

/** The collection's insertMany with `ordered: false` (every document is tried; a refused one stops nothing). */
export type InsertMany<T> = (documents: T[]) => Promise<unknown>;

/** What the driver reports of one refused document of a bulk write (its WriteError). */
interface WriteErrorLike {
  index: number;
  code?: unknown;
  errmsg?: string;
}

/**
 * Group commit (see GroupCommit) for inserts whose unique indexes are commit points (the case
 * journal, new cases' projections): one insertMany, ordered: false, per batch. Each caller still
 * learns about its own document only, exactly as from a single insert: true when inserted, false
 * when a unique index refused it (duplicate key), rejected with its own error when the database
 * refused it for another reason. An error that is not about particular documents (the
 * connection, a write concern, a batch the answer does not fully account for) rejects every
 * caller of the batch, as it would have each single insert.
 */
export class InsertBatcher<T> {
  private readonly group: GroupCommit<T, boolean>;

  constructor(insertMany: InsertMany<T>, options: InsertBatcherOptions) {
    this.group = new GroupCommit((documents) => insertEach(insertMany, documents), options);
  }

  /** True when the document was inserted; false when a unique index refused it as a duplicate. */
  insert(document: T): Promise<boolean> {
    return this.group.submit(document);
  }
}

async function insertEach<T>(insertMany: InsertMany<T>, documents: T[]): Promise<PromiseSettledResult<boolean>[]> {
  try {
    await insertMany(documents);
  } catch (error) {
    const refused = refusedDocuments(error, documents.length);
    if (!refused) throw error;
    return documents.map((_, index): PromiseSettledResult<boolean> => {
      const own = refused.get(index);
      if (!own) return { status: 'fulfilled', value: true };
      if (own.code === 11000) return { status: 'fulfilled', value: false };
      return { status: 'rejected', reason: Object.assign(new Error(own.errmsg ?? 'the database refused the document'), { code: own.code }) };
    });
  }
  return documents.map(() => ({ status: 'fulfilled', value: true }));
}

/**
 * The refused documents of a failed insertMany of `count` documents, by index, when the error is
 * only about them: every document is either inserted or refused with its own write error.
 * Undefined when the error concerns the whole batch.
 */
export function refusedDocuments(error: unknown, count: number): Map<number, WriteErrorLike> | undefined {
  const bulk = error as { writeErrors?: unknown; insertedCount?: unknown; result?: { getWriteConcernError?: () => unknown } } | null;
  if (!bulk || typeof bulk !== 'object') return undefined;
  const raw = bulk.writeErrors;
  const writeErrors = (Array.isArray(raw) ? raw : raw ? [raw] : []) as WriteErrorLike[];
  if (!writeErrors.length || bulk.result?.getWriteConcernError?.()) return undefined;
  const refused = new Map(writeErrors.map((writeError) => [writeError.index, writeError]));
  const accounted = typeof bulk.insertedCount === 'number' && bulk.insertedCount + refused.size === count;
  return accounted && [...refused.keys()].every((index) => Number.isInteger(index) && index >= 0 && index < count) ? refused : undefined;
}
