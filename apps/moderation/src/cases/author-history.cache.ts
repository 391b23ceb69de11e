import { LRUCache } from 'lru-cache';
import { PastCase } from './author-history.rules';
import { CaseState } from './case.schema';

/** An author's latest cases as this instance knows them: loaded once, then kept by its own commits. */
interface Known {
  /** Comment id → what the rules read of it. */
  cases: Map<string, PastCase>;
  /** True when `cases` is the author's whole history (the load found fewer than it asked for). */
  whole: boolean;
}

export interface AuthorHistoryCacheOptions {
  /** How many of an author's latest cases are kept (the rules read at most this many). */
  keep: number;
  /** Upper bound of the memory held, in bytes (bodies counted as UTF-16); 0 turns the cache off. */
  maxBytes: number;
  /** How long a loaded history is trusted: another instance's commits reach it within this bound. */
  ttlMs: number;
}

/**
 * The authors' recent histories, for the repeat and new-commenter rules, so that a review reads
 * the journal only for an author this instance has not seen lately. Every comment needs its
 * author's history, and one query per comment was the largest database cost of a review.
 *
 * Kept exactly by this instance's own commits (record, called for every case change it commits);
 * another instance's commits about the same author are seen once the entry expires (ttlMs), so
 * for that long a reader posting on stories that two instances own is judged on the part of their
 * history each instance saw. A load that overlapped one of this instance's commits about the
 * author is used once and not kept (it may predate the commit).
 */
export class AuthorHistoryCache {
  private readonly cache: LRUCache<string, Known> | null;
  private readonly loading = new Map<string, { promise: Promise<Known>; stale: boolean }>();

  constructor(private readonly options: AuthorHistoryCacheOptions) {
    this.cache =
      options.maxBytes > 0
        ? new LRUCache<string, Known>({ maxSize: options.maxBytes, ttl: options.ttlMs, sizeCalculation: sizeOf, updateAgeOnGet: false })
        : null;
  }

  /**
   * The author's latest cases, newest first, other than `exceptId` (the comment under review),
   * and whether that is their whole history; `load` reads the journal (newest first, at most `limit`).
   */
  async latest(authorId: string, exceptId: string, load: (limit: number) => Promise<(PastCase & { id: string })[]>): Promise<{ cases: PastCase[]; whole: boolean }> {
    const known = this.cache?.get(authorId) ?? (await this.load(authorId, load));
    const cases = [...known.cases].filter(([id]) => id !== exceptId).map(([, past]) => past);
    cases.sort((a, b) => b.postedAt.getTime() - a.postedAt.getTime());
    return { cases: cases.slice(0, this.options.keep), whole: known.whole };
  }

  /** A case change this instance committed: its author's history follows it. */
  record(state: Pick<CaseState, 'commentId' | 'author' | 'status' | 'postedAt' | 'body'>): void {
    const authorId = state.author.id;
    if (!authorId || !this.cache) return;
    const inFlight = this.loading.get(authorId);
    if (inFlight) inFlight.stale = true;
    const known = this.cache.get(authorId);
    if (!known) return;
    known.cases.set(state.commentId, { status: state.status, postedAt: state.postedAt, body: state.body });
    if (known.cases.size > this.options.keep + 1) {
      const oldest = [...known.cases].sort(([, a], [, b]) => a.postedAt.getTime() - b.postedAt.getTime())[0]!;
      known.cases.delete(oldest[0]);
      known.whole = false;
    }
    // Re-set so the byte size follows; the entry keeps its original expiry.
    const remaining = this.cache.getRemainingTTL(authorId);
    if (remaining > 0) this.cache.set(authorId, known, { ttl: remaining });
  }

  /** The author was erased: what this instance holds of them goes (a load under way is not kept). */
  forget(authorId: string): void {
    const inFlight = this.loading.get(authorId);
    if (inFlight) inFlight.stale = true;
    this.cache?.delete(authorId);
  }

  private load(authorId: string, load: (limit: number) => Promise<(PastCase & { id: string })[]>): Promise<Known> {
    const running = this.loading.get(authorId);
    if (running) return running.promise;
    // One more than kept: the comment under review may be among them.
    const limit = this.options.keep + 1;
    const flight = { stale: false, promise: undefined as unknown as Promise<Known> };
    flight.promise = load(limit)
      .then((rows) => {
        const known: Known = { cases: new Map(rows.map(({ id, ...past }) => [id, past])), whole: rows.length < limit };
        if (!flight.stale) this.cache?.set(authorId, known);
        return known;
      })
      .finally(() => this.loading.delete(authorId));
    this.loading.set(authorId, flight);
    return flight.promise;
  }
}

const sizeOf = (known: Known): number => {
  let bytes = 64;
  for (const [id, past] of known.cases) bytes += 48 + id.length * 2 + past.body.length * 2;
  return bytes;
};
