import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '@app/kafka';
import { runWithCorrelation } from '@app/observability';
import { CommentsConfig } from '../comments.config';
import { ThreadRecord, ThreadsRepository } from './threads.repository';
import { THREADS_OUTBOX, ThreadsService } from './threads.service';

export interface SweepResult {
  /** Due threads read. */
  examined: number;
  /** Threads this instance changed (another instance may have changed the rest). */
  changed: number;
  events: number;
  failed: number;
  ms: number;
}

/**
 * Applies the transitions that came due (commenting expired, archive time reached), every
 * THREAD_SWEEP_INTERVAL_MS. Any number of instances may sweep at once: each change is a
 * conditional write on the thread's seq, so exactly one instance wins each transition and the
 * others re-read and find nothing to do. A thread that fails stays due and is retried next pass.
 */
@Injectable()
export class ThreadsSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(ThreadsSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepResult>;
  private stopped = false;

  constructor(
    private readonly repository: ThreadsRepository,
    private readonly threads: ThreadsService,
    private readonly config: CommentsConfig,
    @Inject(THREADS_OUTBOX) private readonly outbox: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.THREAD_SWEEP_ENABLED) this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every thread due now. Concurrent calls share the pass in progress. */
  sweep(): Promise<SweepResult> {
    this.running ??= runWithCorrelation({ correlationId: `sweep-${randomUUID()}` }, () => this.pass()).finally(
      () => (this.running = undefined),
    );
    return this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep()
        .catch((error) => this.log.warn({ msg: 'sweep failed; next pass retries', error: (error as Error).message }))
        .finally(() => this.schedule(this.config.THREAD_SWEEP_INTERVAL_MS));
    }, delay);
    this.timer.unref();
  }

  private async pass(): Promise<SweepResult> {
    const started = Date.now();
    const now = new Date(started);
    const result: SweepResult = { examined: 0, changed: 0, events: 0, failed: 0, ms: 0 };
    let after: { at: Date; id: string } | undefined;
    while (!this.stopped) {
      const due = await this.repository.findDue(now, after, this.config.THREAD_SWEEP_BATCH);
      if (!due.length) break;
      const last = due[due.length - 1]!;
      after = { at: last.nextTransitionAt!, id: last._id };
      result.examined += due.length;
      const eventsBefore = result.events;
      // Instances read due threads in the same order; shuffling spreads them over different threads.
      await inParallel(shuffle(due), this.config.THREAD_SWEEP_CONCURRENCY, async (thread: ThreadRecord) => {
        try {
          const events = await this.threads.advance(thread);
          if (events) {
            result.changed += 1;
            result.events += events;
          }
        } catch (error) {
          result.failed += 1;
          this.log.warn({ msg: 'could not advance thread; it stays due', articleId: thread._id, error: (error as Error).message });
        }
      });
      // Each change went to the relay as it was committed; wait for those sends before the next
      // batch, so the work in flight stays bounded. The relay's poller is the safety net.
      if (result.events > eventsBefore) await this.outbox.flush();
      if (due.length < this.config.THREAD_SWEEP_BATCH) break;
    }
    result.ms = Date.now() - started;
    if (result.examined) this.log.log({ msg: 'swept threads', ...result });
    return result;
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
