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
 * metadata, so the count ends as soon as the message is passed. Outside the window nothing is
 * written: a crash there leaves the committed offset before the crashing message, which the next
 * join's window walks towards, at least RECOVERY_WINDOW messages per restart.
 */
export const RECOVERY_WINDOW = 20;

interface Crashing {
  offset: string;
  attempts: number;
}

export const crashMetadata = (offset: string, attempts: number): string => JSON.stringify({ crashing: { offset, attempts } });

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

export class CrashGuard {
  /** Per `topic:partition` since the last join: messages still to walk one at a time. */
  private readonly window = new Map<string, number>();
  /** The committed metadata read after the last join, per `topic:partition`. */
  private committed?: Promise<Map<string, Crashing>>;

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

  /** Whether this partition's next message is to be handled alone, with its attempt recorded first. */
  recovering(topic: string, partition: number): boolean {
    return (this.window.get(`${topic}:${partition}`) ?? RECOVERY_WINDOW) > 0;
  }

  /** The attempt this one is (1 = no crash recorded on it). */
  async attemptOf(topic: string, partition: number, offset: string): Promise<number> {
    this.committed ??= this.readCommitted().then(
      (rows) => new Map(rows.flatMap((row) => { const c = crashingOf(row.metadata); return c ? [[`${row.topic}:${row.partition}`, c] as const] : []; })),
    );
    let crashing: Crashing | undefined;
    try {
      crashing = (await this.committed).get(`${topic}:${partition}`);
    } catch {
      this.committed = undefined; // read again next time; count this one as a first attempt
    }
    return crashing?.offset === offset ? crashing.attempts + 1 : 1;
  }

  /** One message of the partition's window was handled (or dead-lettered). */
  passed(topic: string, partition: number): void {
    const key = `${topic}:${partition}`;
    this.window.set(key, (this.window.get(key) ?? RECOVERY_WINDOW) - 1);
  }
}
