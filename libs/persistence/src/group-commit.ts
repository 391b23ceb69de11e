export interface GroupCommitOptions {
  /** How long the first item of a batch waits for company (ms). 0: every item is committed at once, alone. */
  lingerMs: number;
  /** A batch this large is committed without waiting for the linger to end. */
  maxBatch: number;
}

/** Commits a batch: one outcome per item, in order. A throw fails every item of the batch. */
export type CommitBatch<T, R> = (items: T[]) => Promise<PromiseSettledResult<R>[]>;

interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted within `lingerMs` of the first share one `commit` call (one
 * database command instead of one each); each caller gets its own item's outcome. On FerretDB a
 * batch insert costs about a twenty-fourth per document of single inserts, and the driver's CPU
 * goes per command, so writers that arrive together (posts, the consumers' lanes) write together.
 */
export class GroupCommit<T, R> {
  private queue: Waiter<T, R>[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly commit: CommitBatch<T, R>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.options.lingerMs <= 0 || this.queue.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length) void this.run(batch);
  }

  private async run(batch: Waiter<T, R>[]): Promise<void> {
    let outcomes: PromiseSettledResult<R>[];
    try {
      outcomes = await this.commit(batch.map((waiter) => waiter.item));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    batch.forEach((waiter, index) => {
      const outcome = outcomes[index];
      if (outcome?.status === 'fulfilled') waiter.resolve(outcome.value);
      else waiter.reject(outcome ? outcome.reason : new Error('the batch gave no outcome for this item'));
    });
  }
}
