/**
 * Runs work for one key at a time, in call order; different keys run side by side. Used to keep
 * two writers of one document in this process from overlapping: FerretDB 1.24 applies an update
 * by reading the document and writing all of it back, so two overlapping updates of one document
 * can lose one of them.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Runs work holding the locks of all these keys (taken one after another, in the given order). */
  runAll<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    return first === undefined ? work() : this.run(first, () => this.runAll(rest, work));
  }
}
