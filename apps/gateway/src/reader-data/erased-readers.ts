/**
 * Pure: whether a token of an erased reader is refused. Tokens issued up to the second of the
 * erasure (or without `iat`) are; a token the newsroom's login issues later for the same id is
 * not (the login decides who exists; docs/reader-data.md).
 */
export const refusesToken = (erasedAtMs: number, issuedAtSeconds: number | undefined): boolean =>
  issuedAtSeconds === undefined || issuedAtSeconds <= Math.floor(erasedAtMs / 1000);

export interface ErasedReadersOptions {
  /** How long an erasure is remembered: the longest a token lives (JWT_MAX_TTL_SECONDS), after which every token issued before it has expired. */
  retainMs: number;
  /** A hard bound on the readers held; past it the oldest erasures go first (logged by the caller). */
  maxEntries: number;
  now?: () => number;
}

/**
 * The readers erased within the tokens' lifetime, whose tokens the gateway refuses. Bounded by
 * time (an erasure older than the longest token life can have no live token left) and by count.
 * Kept by user.erased events and rebuilt from the comments service at every start and every
 * group join of its listener (a join skips what came meanwhile; see erased-readers.listener.ts).
 */
export class ErasedReaders {
  /** userId → erasedAt (ms), in insertion order (oldest first, mostly). */
  private readonly erased = new Map<string, number>();
  private readonly now: () => number;
  private loaded = false;

  constructor(private readonly options: ErasedReadersOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Remembers an erasure (an event heard, a rebuild's row, this gateway's own proxied erasure). Idempotent. */
  add(userId: string, erasedAtMs: number): number {
    if (this.now() - erasedAtMs > this.options.retainMs) return 0;
    const known = this.erased.get(userId);
    if (known !== undefined && known >= erasedAtMs) return 0;
    this.erased.delete(userId);
    this.erased.set(userId, erasedAtMs);
    return this.bound();
  }

  /** A rebuild finished: every erasure of the window was added. */
  markLoaded(): void {
    this.loaded = true;
  }

  isLoaded(): boolean {
    return this.loaded;
  }

  refuses(userId: string, issuedAtSeconds: number | undefined): boolean {
    const erasedAt = this.erased.get(userId);
    if (erasedAt === undefined) return false;
    if (this.now() - erasedAt > this.options.retainMs) {
      this.erased.delete(userId);
      return false;
    }
    return refusesToken(erasedAt, issuedAtSeconds);
  }

  size(): number {
    return this.erased.size;
  }

  /** Drops what is past the window, then the oldest beyond the count; how many went for the count. */
  private bound(): number {
    const now = this.now();
    for (const [userId, at] of this.erased) {
      if (now - at <= this.options.retainMs) break;
      this.erased.delete(userId);
    }
    let dropped = 0;
    for (const userId of this.erased.keys()) {
      if (this.erased.size <= this.options.maxEntries) break;
      this.erased.delete(userId);
      dropped++;
    }
    return dropped;
  }
}
