import { Inject, Injectable } from '@nestjs/common';
import {
  Actor,
  ArticlePublishedPayload,
  ArticleSnapshotPayload,
  ArticleUnpublishedPayload,
  createEvent,
  EventOf,
  ThreadAction,
  ThreadChangedPayload,
  ThreadChangeReason,
} from '@app/contracts';
import { eventMeta, OutboxRelay } from '@app/kafka';
import { RecountCoalescer } from './recount.coalescer';
import { dueSteps, Lifecycle, manualSteps, nextTransitionAt, reschedule, scheduleFor, Step } from './thread.rules';
import { changeIdOf, ThreadAuditEntry } from './thread-change.schema';
import { ThreadStateCache } from './thread-state.cache';
import { ThreadSnapshot } from './thread.schema';
import { ThreadDetailView, toThreadDetailView } from './thread.view';
import { threadNotFound, ThreadChangedMeanwhile, transitionRefused } from './threads.errors';
import { ThreadRecord, ThreadsRepository } from './threads.repository';

export const THREADS_OUTBOX = Symbol('THREADS_OUTBOX');

type ThreadEventType =
  | 'thread.opened'
  | 'thread.closed'
  | 'thread.reopened'
  | 'thread.archived'
  | 'thread.hidden'
  | 'thread.rescheduled'
  | 'thread.count_changed';
type ThreadEvent = EventOf<ThreadEventType>;

/** One change of a thread: its whole state after (with the new seq), its events and audit lines. */
interface Change {
  snapshot: ThreadSnapshot;
  events: ThreadEvent[];
  audit: ThreadAuditEntry[];
}

/** Who asked for a change (absent: the system, e.g. the sweep) and why. */
interface Cause {
  actor?: Actor;
  note?: string;
}

/** Attempts of one change when other writers keep winning the race for the same thread. */
const MAX_ATTEMPTS = 8;

const lifecycleOf = (thread: ThreadSnapshot): Lifecycle => ({
  state: thread.state,
  closedReason: thread.closedReason ?? null,
  autoClose: thread.autoClose !== false,
  closesAt: thread.closesAt,
  archivesAt: thread.archivesAt,
});

const snapshotOf = ({ _id: _ignored, ...snapshot }: ThreadRecord): ThreadSnapshot => snapshot;

/**
 * The thread lifecycle. Every change is decided by the pure rules on the thread's current seq and
 * committed as one insert into the thread_changes log keyed by (thread, that seq), carrying its
 * events (the outbox) and audit lines; then the thread document is brought up to date. Of two
 * writers deciding on the same seq (a replayed event, a retried request, a second instance's
 * sweep) exactly one insert succeeds; the other re-reads, and the rules then see nothing left
 * to do. So each transition is stored and announced exactly once.
 */
@Injectable()
export class ThreadsService {
  private readonly recounts = new RecountCoalescer();

  constructor(
    private readonly repository: ThreadsRepository,
    @Inject(THREADS_OUTBOX) private readonly outbox: OutboxRelay,
    private readonly cache: ThreadStateCache,
  ) {}

  /**
   * A published story gets its thread. Idempotent: a thread that exists is left as it is. A
   * story published with deadlines already past (an old story moved in) gets its due transitions
   * in the same change: opened, closed, archived, three events in that order.
   */
  async open(article: ArticlePublishedPayload): Promise<void> {
    // No read first: the thread's first change is the commit point (its log's unique key), so a
    // thread that exists (a redelivery) loses the commit below and is rolled forward there. An
    // archive moved in opens thousands of threads, and the read per story was a fifth of their cost.
    const now = new Date();
    const base: ThreadRecord = {
      _id: article.articleId,
      state: 'open',
      closedReason: null,
      autoClose: true,
      ...scheduleFor(article.publishedAt, article.commentPolicy),
      seq: 0,
      articleRevision: article.revision,
      slug: article.slug,
      title: article.title,
      publishedAt: article.publishedAt,
      policy: article.commentPolicy,
      nextTransitionAt: null,
      commentCount: 0,
      stateChangedAt: now,
    };
    const opened = { ...base, seq: 1 };
    const change = this.transition(opened, dueSteps(lifecycleOf(opened), now), now, {});
    const event = this.event('thread.opened', opened, 'published', now);
    change.events.unshift(event);
    change.audit.unshift({ seq: 1, event: 'thread.opened', eventId: event.id, from: null, to: 'open', reason: 'published', at: now });
    // Lost to an earlier or concurrent delivery of the same event: make sure its thread document exists.
    if (!(await this.commit(base, change))) await this.rollForward(base._id);
  }

  /** A story's new snapshot: new title and deadlines. Older or repeated snapshots change nothing. */
  async applyUpdate(article: ArticleSnapshotPayload): Promise<void> {
    const thread = await this.load(article.articleId);
    if (!thread) return this.open(article);
    await this.change(thread, (current, now) => {
      if (article.revision <= current.articleRevision) return null;
      const story = {
        articleRevision: article.revision,
        slug: article.slug,
        title: article.title,
        publishedAt: article.publishedAt,
        policy: article.commentPolicy,
      };
      const seq = current.seq + 1;
      const rescheduled = reschedule(lifecycleOf(current), scheduleFor(article.publishedAt, article.commentPolicy), now);
      if (!rescheduled.event) return { snapshot: { ...snapshotOf(current), ...story, seq }, events: [], audit: [] };
      const lifecycle = { ...lifecycleOf(current), ...rescheduled.set };
      const snapshot: ThreadSnapshot = {
        ...snapshotOf(current),
        ...story,
        ...lifecycle,
        seq,
        nextTransitionAt: nextTransitionAt(lifecycle),
        stateChangedAt: lifecycle.state !== current.state ? now : current.stateChangedAt,
      };
      const event = this.event(rescheduled.event, { _id: current._id, ...snapshot }, 'rescheduled', now);
      return {
        snapshot,
        events: [event],
        audit: [{ seq, event: event.type, eventId: event.id, from: current.state, to: lifecycle.state, reason: 'rescheduled', at: now }],
      };
    });
  }

  /** An unpublished story's thread is hidden: no reads, no new comments, no more transitions. */
  async hide(article: ArticleUnpublishedPayload): Promise<void> {
    const thread = await this.load(article.articleId);
    if (!thread) return;
    await this.change(thread, (current, now) => {
      if (article.revision <= current.articleRevision) return null;
      const seq = current.seq + 1;
      const snapshot: ThreadSnapshot = {
        ...snapshotOf(current),
        articleRevision: article.revision,
        state: 'hidden',
        nextTransitionAt: null,
        stateChangedAt: now,
        seq,
      };
      const event = this.event('thread.hidden', { _id: current._id, ...snapshot }, 'unpublished', now);
      return {
        snapshot,
        events: [event],
        audit: [{ seq, event: event.type, eventId: event.id, from: current.state, to: 'hidden', reason: 'unpublished', at: now }],
      };
    });
  }

  /** A moderator or editor closes, reopens or archives a thread by hand; a 409 when its state does not allow it. */
  async act(articleId: string, action: ThreadAction, actor: Actor, note?: string): Promise<ThreadDetailView> {
    const thread = await this.load(articleId);
    if (!thread) throw threadNotFound(articleId);
    const after = await this.change(thread, (current, now) => {
      const decision = manualSteps(lifecycleOf(current), action, now);
      if (!decision.ok) throw transitionRefused(articleId, action, current.state, decision.refusal);
      return this.transition(current, decision.steps, now, { actor, ...(note ? { note } : {}) });
    });
    return toThreadDetailView(after.record, await this.repository.auditOf(articleId));
  }

  /**
   * The sweep's work on one due thread: applies the transitions due now, in order, in one change.
   * Returns the number of events committed (0 when another instance got there first).
   */
  async advance(thread: ThreadRecord): Promise<number> {
    const result = await this.change(thread, (current, now) => {
      const steps = dueSteps(lifecycleOf(current), now);
      return steps.length ? this.transition(current, steps, now, {}) : null;
    });
    return result.events;
  }

  /**
   * Stores the thread's approved count as `count()` finds it, and announces a change. The count
   * is taken after the thread was read: a change committed on that seq cannot overwrite a count
   * taken later (that writer's commit on the same seq fails, and it counts again).
   */
  async recount(
    articleId: string,
    count: () => Promise<number>,
    reason: Extract<ThreadChangeReason, 'comments_imported' | 'comments_changed'> = 'comments_changed',
  ): Promise<number> {
    return this.recounts.run(articleId, () => this.recountNow(articleId, count, reason));
  }

  private async recountNow(articleId: string, count: () => Promise<number>, reason: ThreadChangeReason): Promise<number> {
    const decide = async (current: ThreadRecord, now: Date): Promise<Change | null> => {
      const commentCount = await count();
      if (commentCount === (current.commentCount ?? 0)) return null;
      const snapshot: ThreadSnapshot = { ...snapshotOf(current), commentCount, seq: current.seq + 1 };
      return { snapshot, events: [this.event('thread.count_changed', { _id: current._id, ...snapshot }, reason, now)], audit: [] };
    };
    // The recent thread is a fine base for a change: one on a stale seq loses its commit and
    // rolls forward. Not for "nothing to change": a count equal to a stale cached one (another
    // instance stored a different count since) would change nothing for good. So an equal count
    // is checked against the stored thread, and counted again on it when that moved on.
    const cached = await this.findRecent(articleId);
    const after = await this.change(cached, decide);
    if (after.events || after.record !== cached) return after.record.commentCount ?? 0;
    const stored = await this.load(articleId);
    if (!stored || stored.seq === cached.seq) return after.record.commentCount ?? 0;
    return (await this.change(stored, decide)).record.commentCount ?? 0;
  }

  /** The thread, whatever its state; 404 when the story has none (yet). */
  async findExisting(articleId: string): Promise<ThreadRecord> {
    const thread = await this.load(articleId);
    if (!thread) throw threadNotFound(articleId);
    return thread;
  }

  /**
   * A thread as readers may see it: 404 when there is none or its story is unpublished. From
   * memory when recently read and unchanged since (see ThreadStateCache): posts and reads ask for
   * it every time.
   */
  async findReadable(articleId: string): Promise<ThreadRecord> {
    const thread = await this.cache.get(articleId, () => this.repository.findById(articleId));
    if (!thread || thread.state === 'hidden') throw threadNotFound(articleId);
    return thread;
  }

  /** The thread as recently read (see findReadable), whatever its state; 404 when there is none. */
  async findRecent(articleId: string): Promise<ThreadRecord> {
    const thread = await this.cache.get(articleId, () => this.load(articleId));
    if (!thread) throw threadNotFound(articleId);
    return thread;
  }

  /** The whole thread with its audit trail, for staff (hidden threads included). */
  async detail(articleId: string): Promise<ThreadDetailView> {
    const thread = await this.findExisting(articleId);
    return toThreadDetailView(thread, await this.repository.auditOf(articleId));
  }

  /** A run of lifecycle steps as one change: one event and one audit line per step. */
  private transition(current: ThreadRecord, steps: Step[], now: Date, cause: Cause): Change {
    let lifecycle = lifecycleOf(current);
    let seq = current.seq;
    const events: ThreadEvent[] = [];
    const audit: ThreadAuditEntry[] = [];
    for (const step of steps) {
      seq += 1;
      lifecycle = { ...lifecycle, ...step.set };
      const event = this.event(step.event, { ...current, ...lifecycle, seq }, step.reason, now, cause);
      events.push(event);
      audit.push({ seq, event: step.event, eventId: event.id, from: step.from, to: step.to, reason: step.reason, at: now, ...cause });
    }
    const snapshot: ThreadSnapshot = {
      ...snapshotOf(current),
      ...lifecycle,
      seq,
      nextTransitionAt: nextTransitionAt(lifecycle),
      stateChangedAt: steps.length ? now : current.stateChangedAt,
    };
    return { snapshot, events, audit };
  }

  /**
   * Commits `decide`'s change on the thread's current seq. When another writer committed on that
   * seq first, catches up with the log and decides again, which usually finds nothing left to do.
   */
  private async change(
    thread: ThreadRecord,
    decide: (current: ThreadRecord, now: Date) => Change | null | Promise<Change | null>,
  ): Promise<{ record: ThreadRecord; events: number }> {
    let current = thread;
    for (let attempt = 1; ; attempt++) {
      const change = await decide(current, new Date());
      if (!change) return { record: current, events: 0 };
      if (await this.commit(current, change)) return { record: { _id: current._id, ...change.snapshot }, events: change.events.length };
      if (attempt >= MAX_ATTEMPTS) throw new ThreadChangedMeanwhile(thread._id);
      current = (await this.rollForward(thread._id)) ?? current;
    }
  }

  /**
   * Inserts the change (the commit point), brings the thread document up to it, then hands its
   * events to the relay. False when it lost. The document shows the change before anyone hears of
   * it: whoever reads the thread because of an event (the gateway's cache refreshing a page) reads
   * it changed. Events of two quick changes may still leave out of order; each carries the whole
   * thread and its seq, and consumers keep the newest.
   */
  private async commit(base: ThreadRecord, change: Change): Promise<boolean> {
    const id = changeIdOf(base._id, base.seq);
    const committed = await this.repository.insertChange({
      _id: id,
      articleId: base._id,
      baseSeq: base.seq,
      seq: change.snapshot.seq,
      at: new Date(),
      snapshot: change.snapshot,
      audit: change.audit,
      eventIds: change.events.map((event) => event.id),
      outbox: change.events,
    });
    if (!committed) return false;
    this.cache.forget(base._id);
    // Announced only once the document shows it: a change whose document write failed stays in
    // the log's outbox, and the relay rolls the document forward before it publishes it (see
    // ThreadChangesOutbox), so nobody hears of a close that posts would not yet see.
    // A new thread's document is an insert (most of a bulk import's threads: batched), not an update.
    if (base.seq === 0) await this.repository.createThread(base._id, change.snapshot);
    else await this.repository.applySnapshot(base._id, change.snapshot);
    // Held as committed: its own event, heard back, then finds it current and keeps it.
    this.cache.offer({ _id: base._id, ...change.snapshot });
    this.outbox.publishSoon({ id, events: change.events });
    return true;
  }

  /** The thread document, or, when a crash left it behind its log, the log's latest state. */
  private async load(articleId: string): Promise<ThreadRecord | null> {
    return (await this.repository.findById(articleId)) ?? this.rollForward(articleId);
  }

  /** Applies the thread's latest committed change to its document and returns that state. */
  private async rollForward(articleId: string): Promise<ThreadRecord | null> {
    const latest = await this.repository.latestChange(articleId);
    if (!latest) return this.repository.findById(articleId);
    await this.repository.applySnapshot(articleId, latest.snapshot);
    this.cache.forget(articleId);
    return { _id: articleId, ...latest.snapshot };
  }

  private event(
    type: ThreadEventType,
    thread: Pick<ThreadRecord, '_id' | 'seq' | 'state' | 'closesAt' | 'archivesAt' | 'commentCount'>,
    reason: ThreadChangeReason,
    now: Date,
    cause: Cause = {},
  ): ThreadEvent {
    const payload: ThreadChangedPayload = {
      articleId: thread._id,
      seq: thread.seq,
      state: thread.state,
      reason,
      closesAt: thread.closesAt,
      archivesAt: thread.archivesAt,
      changedAt: now,
      commentCount: thread.commentCount ?? 0,
      ...(cause.actor ? { actor: cause.actor } : {}),
      ...(cause.note ? { note: cause.note } : {}),
    };
    return createEvent(type, thread._id, payload, eventMeta('comments')) as ThreadEvent;
  }
}
