export interface InsertBatcherOptions {
  /** How long the first insert of a batch waits for company (ms). 0: every insert is written at once, alone. */
  lingerMs: number;
  /** A batch this large is written without waiting for the linger to end. */
  maxBatch: number;
}

/** The collection's insertMany with `ordered: false` (every document is tried; a refused one stops nothing). */
export type InsertMany<T> = (documents: T[]) => Promise<unknown>;

interface Waiter<T> {
  document: T;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/** What the driver reports of one refused document of a bulk write (its WriteError). */
interface WriteErrorLike {
  index: number;
  code?: unknown;
  errmsg?: string;
}

/**
 * Group commit for inserts whose unique indexes are commit points (the case journal, new cases'
 * projections): inserts arriving within `lingerMs` of the first go to the database in one
 * insertMany, ordered: false. Each caller still learns about its own document only, exactly as
 * from a single insert: true when inserted, false when a unique index refused it (duplicate key),
 * rejected with its own error when the database refused it for another reason. An error that is
 * not about particular documents (the connection, a write concern, a batch the answer does not
 * fully account for) rejects every caller of the batch, as it would have each single insert.
 *
 * Why: on FerretDB a batch insert costs about a twenty-fourth per document of single inserts, and
 * the driver's CPU goes per command; consumers handle a fetched batch in lanes, so many commits
 * arrive at the same moment.
 */
export class InsertBatcher<T> {
  private queue: Waiter<T>[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly insertMany: InsertMany<T>,
    private readonly options: InsertBatcherOptions,
  ) {}

  /** True when the document was inserted; false when a unique index refused it as a duplicate. */
  insert(document: T): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ document, resolve, reject });
      if (this.options.lingerMs <= 0 || this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length) void this.write(batch);
  }

  private async write(batch: Waiter<T>[]): Promise<void> {
    try {
      await this.insertMany(batch.map((waiter) => waiter.document));
    } catch (error) {
      const refused = refusedDocuments(error, batch.length);
      batch.forEach((waiter, index) => {
        if (!refused) return waiter.reject(error);
        const own = refused.get(index);
        if (!own) waiter.resolve(true);
        else if (own.code === 11000) waiter.resolve(false);
        else waiter.reject(Object.assign(new Error(own.errmsg ?? 'the database refused the document'), { code: own.code }));
      });
      return;
    }
    for (const waiter of batch) waiter.resolve(true);
  }
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
