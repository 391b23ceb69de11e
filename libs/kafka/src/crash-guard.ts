/**
 * Counts, across restarts, how often a message was being handled when the process died (a
 * handler that crashes the process rather than throwing: an exit, an OOM, a native fault), so the
 * consumer can dead-letter it instead of crashing on it forever.
 *
 * The count lives in the consumer group's committed offset metadata, on the broker: after every
 * group join, the first RECOVERY_WINDOW messages of each partition are handled one at a time, and
 * before each one its own offset is committed with `{"crashing":{"offset":o,"attempts":n}}`. A
 * process that dies while handling it leaves exactly that behind; the next one to get the
 * partition reads it back (one admin call per join) and counts on. Normal commits carry no
 * metadata, so the count ends as soon as the message is passed. Outside the window, before a
 * batch runs in lanes, its offset range is committed as `{"lanes":{"through":o}}` (one commit per
 * batch): a process that dies in the lanes leaves that behind, and the next join walks the whole
 * range one at a time, so the crashing message is counted on the next restart wherever it was in
 * its batch. (Before, the window was only the first RECOVERY_WINDOW messages after the committed
 * offset: a crash deep in a large batch went uncounted, restart after restart, while the window
 * crept towards it.)
 */
export const RECOVERY_WINDOW = 20;

interface Crashing {
  offset: string;
  attempts: number;
}

export const crashMetadata = (offset: string, attempts: number): string => JSON.stringify({ crashing: { offset, attempts } });

/** Left by a consumer about to run messages up to `through` in lanes. */
export const lanesMetadata = (through: string): string => JSON.stringify({ lanes: { through } });

/** The last offset of the batch a process was running in lanes when it died, if it did. */
export function lanesThroughOf(metadata: string | null | undefined): string | undefined {
  if (!metadata) return undefined;
  try {
    const through = (JSON.parse(metadata) as { lanes?: { through?: unknown } }).lanes?.through;
    return typeof through === 'string' && /^\d+$/.test(through) ? through : undefined;
  } catch {
    return undefined;
  }
}

/** What a committed offset's metadata says crashed, if anything. */
export function crashingOf(metadata: string | null | undefined): Crashing | undefined {
  if (!metadata) return undefined;
  try {
    const crashing = (JSON.parse(metadata) as { crashing?: Partial<Crashing> }).crashing;
    return typeof crashing?.offset === 'string' && Number.isInteger(crashing.attempts) ? { offset: crashing.offset, attempts: crashing.attempts! } : undefined;
  } catch {
    return undefined;
  }
}

interface Committed {
  crashing?: Crashing;
  /** The last offset of a batch the previous owner died running in lanes. */
  lanesThrough?: string;
}

export class CrashGuard {
  /** Per `topic:partition` since the last join: messages still to walk one at a time. */
  private readonly window = new Map<string, number>();
  /** The committed metadata read after the last join, per `topic:partition`. */
  private committed?: Promise<Map<string, Committed>>;

  constructor(
    /** Handling attempts that crashed the process after which the message is dead-lettered. */
    readonly maxCrashes: number,
    private readonly readCommitted: () => Promise<{ topic: string; partition: number; metadata: string | null }[]>,
  ) {}

  /** A group join: every partition's first messages are walked one at a time again. */
  joined(): void {
    this.window.clear();
    this.committed = undefined;
  }

  /**
   * Whether this partition's message at `offset` is to be handled alone, with its attempt recorded
   * first: the first RECOVERY_WINDOW after a join, and all of a batch the previous owner died in.
   */
  async recovering(topic: string, partition: number, offset: string): Promise<boolean> {
    if ((this.window.get(`${topic}:${partition}`) ?? RECOVERY_WINDOW) > 0) return true;
    const through = (await this.committedOf(topic, partition))?.lanesThrough;
    return through !== undefined && BigInt(offset) <= BigInt(through);
  }

  /** The attempt this one is (1 = no crash recorded on it). */
  async attemptOf(topic: string, partition: number, offset: string): Promise<number> {
    const crashing = (await this.committedOf(topic, partition))?.crashing;
    return crashing?.offset === offset ? crashing.attempts + 1 : 1;
  }

  /** One message of the partition's window was handled (or dead-lettered). */
  passed(topic: string, partition: number): void {
    const key = `${topic}:${partition}`;
    this.window.set(key, (this.window.get(key) ?? RECOVERY_WINDOW) - 1);
  }

  private async committedOf(topic: string, partition: number): Promise<Committed | undefined> {
    this.committed ??= this.readCommitted().then(
      (rows) =>
        new Map(
          rows.map((row) => [`${row.topic}:${row.partition}`, { crashing: crashingOf(row.metadata), lanesThrough: lanesThroughOf(row.metadata) }] as const),
        ),
    );
    try {
      return (await this.committed).get(`${topic}:${partition}`);
    } catch {
      this.committed = undefined; // read again next time; meanwhile nothing is known to have crashed
      return undefined;
    }
  }
}
