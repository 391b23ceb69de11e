export interface ShortLivedCacheOptions {
  /** How long a value may be served after the read that fetched it started; 0 turns the cache off. */
  ttlMs: number;
  /** Beyond this many values, the least recently used goes. */
  maxEntries: number;
  now?: () => number;
}

/**
 * A small read-through cache for data this process reads far more often than anyone writes it.
 * Bounded in size and age; concurrent misses of one key share one load; null (not found) is never
 * stored, so absence is always asked again. A writer calls invalidate() after its write: the key
 * is dropped, and a load that was under way when it was called is not stored (it may have read
 * what the write replaced). Writes by other processes are seen within `ttlMs`.
 */
export class ShortLivedCache<K, V> {
  private readonly values = new Map<K, { value: V; expiresAt: number }>();
  private readonly loading = new Map<K, Promise<V | null>>();
  /** Bumped by every invalidation: a load started before one is not stored. */
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly options: ShortLivedCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get(key: K, load: () => Promise<V | null>): Promise<V | null> {
    if (this.options.ttlMs <= 0) return load();
    const startedAt = this.now();
    const hit = this.values.get(key);
    if (hit) {
      this.values.delete(key);
      if (hit.expiresAt > startedAt) {
        this.values.set(key, hit); // now the most recently used
        return Promise.resolve(hit.value);
      }
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loaded: Promise<V | null> = load()
      .then((value) => {
        if (value !== null && generation === this.generation) this.store(key, value, startedAt + this.options.ttlMs);
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
    this.values.delete(key);
    this.loading.delete(key);
  }

  get size(): number {
    return this.values.size;
  }

  private store(key: K, value: V, expiresAt: number): void {
    this.values.set(key, { value, expiresAt });
    while (this.values.size > this.options.maxEntries) this.values.delete(this.values.keys().next().value as K);
  }
}
