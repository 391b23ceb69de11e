import { randomBytes } from 'node:crypto';

/** One open stream: the hub only writes frames to it. */
export interface LiveSubscriber {
  write(frame: string): void;
  /** The hub ends the stream (its story was hidden, the gateway stops). */
  end(): void;
}

interface Recorded {
  seq: number;
  channel: string;
  frame: string;
}

export const MODERATION_CHANNEL = 'moderation';
export const articleChannel = (articleId: string) => `article:${articleId.toLowerCase()}`;

/**
 * Fan-out of live events to the SSE streams of this gateway. Event ids are `<boot>-<seq>`: the
 * boot part changes with every process, so an id from another gateway or an earlier run is
 * recognised as unknown and the client is told to reload (event `reset`) instead of being handed
 * a gap. The last `replay` events are kept to resume a stream with Last-Event-ID.
 */
export class LiveHub {
  readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly recent: Recorded[] = [];
  private readonly channels = new Map<string, Set<LiveSubscriber>>();
  private open = 0;
  private heartbeat?: NodeJS.Timeout;

  constructor(private readonly options: { maxConnections: number; replay: number; heartbeatMs: number }) {}

  get connections(): number {
    return this.open;
  }

  /** Subscribers of one channel (for tests and metrics). */
  listeners(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  /** Reserves a slot for a new stream; false when the gateway holds its maximum. */
  reserve(): boolean {
    if (this.open >= this.options.maxConnections) return false;
    this.open += 1;
    return true;
  }

  /**
   * Adds a stream that holds a reserved slot; first replays what it missed since `lastEventId`
   * (or sends `reset` when that id is not ours or too old). Returns the unsubscribe function,
   * which frees the slot.
   */
  subscribe(channel: string, subscriber: LiveSubscriber, lastEventId?: string): () => void {
    this.startHeartbeat();
    subscriber.write(`retry: 3000\n\n`);
    if (lastEventId) this.replayTo(channel, subscriber, lastEventId);
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(subscriber);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.open -= 1;
      set.delete(subscriber);
      if (!set.size && this.channels.get(channel) === set) this.channels.delete(channel);
    };
  }

  publish(channel: string, event: string, data: unknown): void {
    this.seq += 1;
    const frame = `id: ${this.boot}-${this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    if (this.options.replay > 0) {
      this.recent.push({ seq: this.seq, channel, frame });
      if (this.recent.length > this.options.replay) this.recent.shift();
    }
    for (const subscriber of this.channels.get(channel) ?? []) subscriber.write(frame);
  }

  /** Tells every stream something unrecorded (e.g. `reset` when the listener lost events). */
  publishAll(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const set of this.channels.values()) for (const subscriber of set) subscriber.write(frame);
  }

  /** Ends every stream of a channel (a story hidden: nothing more may be shown of it). */
  close(channel: string): void {
    for (const subscriber of [...(this.channels.get(channel) ?? [])]) subscriber.end();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const set of [...this.channels.values()]) for (const subscriber of [...set]) subscriber.end();
  }

  private replayTo(channel: string, subscriber: LiveSubscriber, lastEventId: string): void {
    const match = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId.trim());
    const seq = match && match[1] === this.boot ? Number(match[2]) : undefined;
    const oldest = this.recent[0]?.seq ?? this.seq + 1;
    // Known only if nothing after it has been dropped from the buffer.
    if (seq === undefined || seq > this.seq || (seq < this.seq && seq + 1 < oldest)) {
      subscriber.write(`event: reset\ndata: {}\n\n`);
      return;
    }
    for (const recorded of this.recent) if (recorded.seq > seq && recorded.channel === channel) subscriber.write(recorded.frame);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const set of this.channels.values()) for (const subscriber of set) subscriber.write(`: heartbeat\n\n`);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }
}
