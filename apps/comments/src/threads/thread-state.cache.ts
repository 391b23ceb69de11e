import { LRUCache } from 'lru-cache';
import { ThreadRecord } from './threads.repository';

export interface ThreadStateCacheOptions {
  /** Upper bound of the memory held, in bytes (documents measured as JSON, UTF-16); the least recently read go first. 0 turns the cache off. */
  maxBytes: number;
  /** Nothing older is used, whatever the events say. */
  maxAgeMs: number;
}

/** What one remembered seq costs (its key and the number, with the cache's own bookkeeping). */
const HEARD_ENTRY_BYTES = 96;

/**
 * Recently read thread documents, so a post or a thread read does not cost a query for the
 * thread each time (FerretDB: several milliseconds, and CPU, per query). Trusted only while
 * something hears every change of every thread: the read model's broadcast listener (see
 * ThreadReadModel) calls `forget` for each thread event and `setLive` as it connects or loses
 * the broker; this instance's own changes forget the thread at once. Time-based transitions
 * need nothing: the rules compare `closesAt`/`archivesAt` with the clock, not a stored state.
 * Held in lru-cache, bounded in bytes and by age.
 */
export class ThreadStateCache {
  private readonly threads: LRUCache<string, ThreadRecord> | null;
  /** The newest seq heard per thread, for offer(); bounded like the documents (a tenth of the bytes). */
  private readonly heardSeq: LRUCache<string, number> | null;
  private readonly loading = new Map<string, Promise<ThreadRecord | null>>();
  private live = false;

  constructor(
    private readonly options: ThreadStateCacheOptions,
    private readonly now: () => number = Date.now,
  ) {
    const perf = { now };
    this.threads =
      options.maxBytes > 0
        ? new LRUCache<string, ThreadRecord>({ maxSize: options.maxBytes, sizeCalculation: sizeOf, ttl: options.maxAgeMs || 1, ttlResolution: 0, updateAgeOnGet: false, perf })
        : null;
    this.heardSeq = options.maxBytes > 0 ? new LRUCache<string, number>({ max: Math.max(1, Math.floor(options.maxBytes / 10 / HEARD_ENTRY_BYTES)), perf }) : null;
  }

  setLive(live: boolean): void {
    this.live = live && this.threads !== null;
    this.threads?.clear();
    this.heardSeq?.clear();
    this.loading.clear();
  }

  forget(articleId: string): void {
    // A load started before the change must neither answer later reads nor be kept.
    this.loading.delete(articleId);
    this.threads?.delete(articleId);
  }

  /**
   * A thread event was heard: the thread is at `seq` now. What is held is kept when it is that
   * state already (this instance's own change, offered when committed), else forgotten.
   */
  heard(articleId: string, seq: number | undefined): void {
    if (seq !== undefined && (this.heardSeq?.get(articleId) ?? 0) < seq) this.heardSeq?.set(articleId, seq);
    const held = this.threads?.peek(articleId);
    if (held && seq !== undefined && held.seq >= seq) return;
    this.forget(articleId);
  }

  /** This instance committed the thread's new state: hold it, unless something newer is held. */
  offer(thread: ThreadRecord): void {
    if (!this.live || !this.threads) return;
    const held = this.threads.peek(thread._id);
    this.loading.delete(thread._id);
    if (held && held.seq >= thread.seq) return;
    // Another instance's newer change may have been heard before this one was offered.
    if ((this.heardSeq?.get(thread._id) ?? 0) > thread.seq) return this.forget(thread._id);
    this.threads.set(thread._id, thread);
  }

  /** The thread from memory when it is young enough, else `load`ed (one load per thread at a time). */
  get(articleId: string, load: () => Promise<ThreadRecord | null>): Promise<ThreadRecord | null> {
    if (!this.live || !this.threads) return load();
    const held = this.threads.get(articleId); // past its age: undefined (and dropped)
    if (held) return Promise.resolve(held);
    const inFlight = this.loading.get(articleId);
    if (inFlight) return inFlight;
    // Aged from when the load started: a change committed meanwhile may not have been heard of by then.
    const start = this.now();
    const loaded: Promise<ThreadRecord | null> = load()
      .then((thread) => {
        if (thread && this.live && this.loading.get(articleId) === loaded) this.threads?.set(articleId, thread, { start });
        return thread;
      })
      .finally(() => {
        if (this.loading.get(articleId) === loaded) this.loading.delete(articleId);
      });
    this.loading.set(articleId, loaded);
    return loaded;
  }

  size(): number {
    return this.threads?.size ?? 0;
  }

  /** Bytes held, as the bound counts them. */
  bytes(): number {
    return this.threads?.calculatedSize ?? 0;
  }
}

/** A thread document's size as JSON, in UTF-16 (what V8 holds strings in, at most), plus the entry itself. */
const sizeOf = (thread: ThreadRecord): number => 64 + JSON.stringify(thread).length * 2;
