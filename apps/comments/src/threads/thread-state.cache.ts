import { ThreadRecord } from './threads.repository';

export interface ThreadStateCacheOptions {
  /** Threads held; the least recently read go first. 0 turns the cache off. */
  maxThreads: number;
  /** Nothing older is used, whatever the events say. */
  maxAgeMs: number;
}

/**
 * Recently read thread documents, so a post or a thread read does not cost a query for the
 * thread each time (FerretDB: several milliseconds, and CPU, per query). Trusted only while
 * something hears every change of every thread: the read model's broadcast listener (see
 * ThreadReadModel) calls `forget` for each thread event and `setLive` as it connects or loses
 * the broker; this instance's own changes forget the thread at once. Time-based transitions
 * need nothing: the rules compare `closesAt`/`archivesAt` with the clock, not a stored state.
 */
export class ThreadStateCache {
  private readonly threads = new Map<string, { thread: ThreadRecord; at: number }>();
  private readonly loading = new Map<string, Promise<ThreadRecord | null>>();
  private readonly heardSeq = new Map<string, number>();
  private live = false;

  constructor(
    private readonly options: ThreadStateCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  setLive(live: boolean): void {
    this.live = live && this.options.maxThreads > 0;
    this.threads.clear();
    this.loading.clear();
    this.heardSeq.clear();
  }

  forget(articleId: string): void {
    // A load started before the change must neither answer later reads nor be kept.
    this.loading.delete(articleId);
    this.threads.delete(articleId);
  }

  /**
   * A thread event was heard: the thread is at `seq` now. What is held is kept when it is that
   * state already (this instance's own change, offered when committed), else forgotten.
   */
  heard(articleId: string, seq: number | undefined): void {
    if (seq !== undefined) this.remember(articleId, seq);
    const held = this.threads.get(articleId);
    if (held && seq !== undefined && held.thread.seq >= seq) return;
    this.forget(articleId);
  }

  /** This instance committed the thread's new state: hold it, unless something newer is held. */
  offer(thread: ThreadRecord): void {
    if (!this.live) return;
    const held = this.threads.get(thread._id);
    this.loading.delete(thread._id);
    if (held && held.thread.seq >= thread.seq) return;
    // Another instance's newer change may have been heard before this one was offered.
    if ((this.heardSeq.get(thread._id) ?? 0) > thread.seq) return this.forget(thread._id);
    this.keep(thread._id, thread, this.now());
  }

  /** The newest seq heard per thread (as many threads as are held), for offer(). */
  private remember(articleId: string, seq: number): void {
    if ((this.heardSeq.get(articleId) ?? 0) >= seq) return;
    this.heardSeq.delete(articleId);
    this.heardSeq.set(articleId, seq);
    for (const oldest of this.heardSeq.keys()) {
      if (this.heardSeq.size <= Math.max(1, this.options.maxThreads)) break;
      this.heardSeq.delete(oldest);
    }
  }

  /** The thread from memory when it is young enough, else `load`ed (one load per thread at a time). */
  get(articleId: string, load: () => Promise<ThreadRecord | null>): Promise<ThreadRecord | null> {
    if (!this.live) return load();
    const held = this.threads.get(articleId);
    if (held && this.now() - held.at <= this.options.maxAgeMs) {
      this.threads.delete(articleId); // re-insert: most recently read last
      this.threads.set(articleId, held);
      return Promise.resolve(held.thread);
    }
    const inFlight = this.loading.get(articleId);
    if (inFlight) return inFlight;
    const at = this.now();
    const loaded: Promise<ThreadRecord | null> = load()
      .then((thread) => {
        if (thread && this.live && this.loading.get(articleId) === loaded) this.keep(articleId, thread, at);
        return thread;
      })
      .finally(() => {
        if (this.loading.get(articleId) === loaded) this.loading.delete(articleId);
      });
    this.loading.set(articleId, loaded);
    return loaded;
  }

  size(): number {
    return this.threads.size;
  }

  private keep(articleId: string, thread: ThreadRecord, at: number): void {
    this.threads.delete(articleId);
    this.threads.set(articleId, { thread, at });
    for (const oldest of this.threads.keys()) {
      if (this.threads.size <= this.options.maxThreads) break;
      this.threads.delete(oldest);
    }
  }
}
