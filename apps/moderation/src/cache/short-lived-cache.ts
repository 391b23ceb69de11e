import { LRUCache } from 'lru-cache';

export interface ShortLivedCacheOptions<V> {
  /** How long a value may be served after the read that fetched it started; 0 turns the cache off. */
  ttlMs: number;
  /** Upper bound of the memory held, in bytes as `sizeOf` counts them; the least recently used go first. */
  maxBytes: number;
  /** What a value counts for against maxBytes. */
  sizeOf: (value: V) => number;
  now?: () => number;
}

/**
 * A small read-through cache for data this process reads far more often than anyone writes it,
 * held in lru-cache: bounded in bytes and age; concurrent misses of one key share one load; null
 * (not found) is never stored, so absence is always asked again. A writer calls invalidate() after
 * its write: the key is dropped, and a load that was under way when it was called is not stored
 * (it may have read what the write replaced). Writes by other processes are seen within `ttlMs`.
 */
export class ShortLivedCache<K extends {}, V extends {}> {
  private readonly values: LRUCache<K, V> | null;
  private readonly loading = new Map<K, Promise<V | null>>();
  /** Bumped by every invalidation: a load started before one is not stored. */
  private generation = 0;
  private readonly now: () => number;

  constructor(options: ShortLivedCacheOptions<V>) {
    this.now = options.now ?? Date.now;
    this.values =
      options.ttlMs > 0 && options.maxBytes > 0
        ? new LRUCache<K, V>({
            maxSize: options.maxBytes,
            sizeCalculation: (value) => Math.max(1, options.sizeOf(value)),
            ttl: options.ttlMs,
            ttlResolution: 0,
            updateAgeOnGet: false,
            perf: { now: this.now },
          })
        : null;
  }

  get(key: K, load: () => Promise<V | null>): Promise<V | null> {
    if (!this.values) return load();
    const start = this.now();
    const hit = this.values.get(key); // past its time: undefined (and dropped)
    if (hit !== undefined) return Promise.resolve(hit);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loaded: Promise<V | null> = load()
      .then((value) => {
        // Aged from when the read started, as the bound promises.
        if (value !== null && generation === this.generation) this.values?.set(key, value, { start });
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
      });
    this.loading.set(key, loaded);
    return loaded;
  }

  invalidate(key: K): void {
    this.generation++;
    this.values?.delete(key);
    this.loading.delete(key);
  }

  get size(): number {
    return this.values?.size ?? 0;
  }
}
