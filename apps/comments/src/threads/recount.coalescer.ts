interface Waiting {
  promise: Promise<number>;
  resolve: (count: number) => void;
  reject: (error: unknown) => void;
  recount: () => Promise<number>;
}

/**
 * At most one recount per story runs at a time, and at most one waits behind it: every caller
 * gets a recount that started after it asked (so it counts the caller's change), and a burst of
 * decisions on one story costs two counts, not one per decision.
 */
export class RecountCoalescer {
  private readonly waiting = new Map<string, Waiting | null>();

  run(storyId: string, recount: () => Promise<number>): Promise<number> {
    if (!this.waiting.has(storyId)) {
      this.waiting.set(storyId, null);
      return this.start(storyId, recount);
    }
    let next = this.waiting.get(storyId);
    if (!next) {
      let resolve!: Waiting['resolve'];
      let reject!: Waiting['reject'];
      const promise = new Promise<number>((res, rej) => ((resolve = res), (reject = rej)));
      next = { promise, resolve, reject, recount };
      this.waiting.set(storyId, next);
    }
    return next.promise;
  }

  private start(storyId: string, recount: () => Promise<number>): Promise<number> {
    const running = Promise.resolve().then(recount);
    const settled = () => {
      const next = this.waiting.get(storyId);
      if (!next) {
        this.waiting.delete(storyId);
        return;
      }
      this.waiting.set(storyId, null);
      this.start(storyId, next.recount).then(next.resolve, next.reject);
    };
    running.then(settled, settled);
    return running;
  }
}
