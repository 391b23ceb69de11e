export interface PeriodicSnapshotOptions<T> {
  /** Reads the whole state (one query); a rejection keeps the previous snapshot. */
  load: () => Promise<T>;
  /** Pause between two timed loads (ms); 0 turns the snapshot off: current() is always undefined. */
  refreshMs: number;
  /** The oldest snapshot current() answers with (ms since its load started); default 5 × refreshMs. */
  maxAgeMs?: number;
  /** Told of a failed load (the snapshot in hand stays usable until maxAgeMs). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

/**
 * A small, rarely written collection held whole in memory, reloaded by one query every
 * `refreshMs`, so that lookups cost no database command. It never answers with data it cannot
 * vouch for: current() is undefined (the caller reads the database itself) until the first load
 * succeeds, once the last successful load started more than `maxAgeMs` ago (the database is away:
 * failed loads are reported, not thrown, and the old snapshot serves until then), and after
 * invalidate() until a load started after it has succeeded. A writer in this process calls
 * refreshAfterWrite() once its write is done (or failed: it may have landed anyway).
 *
 * At most one load runs at a time; a write during a load queues exactly one more (the running one
 * may have read before the write). The timer is unref'd and stop() ends it.
 */
export class PeriodicSnapshot<T> {
  private snapshot?: { value: T; startedAt: number; generation: number };
  /** Bumped by every write of this process: a snapshot loaded before the current one is not served. */
  private generation = 0;
  private running?: Promise<void>;
  private queued?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly now: () => number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: PeriodicSnapshotOptions<T>) {
    this.now = options.now ?? (() => Date.now());
    this.maxAgeMs = options.maxAgeMs ?? 5 * options.refreshMs;
  }

  get enabled(): boolean {
    return this.options.refreshMs > 0;
  }

  /** Loads now, then every refreshMs (a tick finding a load under way skips). */
  start(): void {
    if (!this.enabled || this.stopped || this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => {
      if (!this.running && !this.queued) void this.refresh();
    }, this.options.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The snapshot, if it is loaded, fresh enough and taken after this process's last write; else undefined. */
  current(): T | undefined {
    const snapshot = this.snapshot;
    if (!snapshot || snapshot.generation !== this.generation) return undefined;
    if (this.now() - snapshot.startedAt > this.maxAgeMs) return undefined;
    return snapshot.value;
  }

  /** Stops serving the snapshot in hand: this process has just written (or tried to). */
  invalidate(): void {
    this.generation++;
  }

  /** invalidate(), then a load that starts after it; resolves when that load is over (never rejects). */
  refreshAfterWrite(): Promise<void> {
    this.invalidate();
    return this.refresh();
  }

  /**
   * A load that starts no earlier than now: the one running if none is (and none queued), else one
   * queued behind it, shared by every caller meanwhile. Never rejects.
   */
  refresh(): Promise<void> {
    if (!this.enabled || this.stopped) return Promise.resolve();
    if (!this.running) return this.load();
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  private load(): Promise<void> {
    const startedAt = this.now();
    const generation = this.generation;
    const running = this.options
      .load()
      .then(
        (value) => {
          // Never replace a snapshot with one that started earlier (a queued load overtaking is impossible, but cheap to guard).
          if (!this.snapshot || this.snapshot.startedAt <= startedAt) this.snapshot = { value, startedAt, generation };
        },
        (error: unknown) => {
          try {
            // A load cut short by shutdown (the connection closing) is not worth a warning.
            if (!this.stopped) this.options.onError?.(error);
          } catch {
            // a failing report must not fail the refresh
          }
        },
      )
      .finally(() => {
        if (this.running === running) this.running = undefined;
      });
    this.running = running;
    return running;
  }
}
