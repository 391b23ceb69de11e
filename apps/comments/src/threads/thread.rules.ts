import { CommentPolicy, ThreadAction, ThreadChangeReason, ThreadState } from '@app/contracts';

/**
 * The thread lifecycle as pure decisions: no clock of its own (`now` is passed in), no I/O.
 *
 *   open ──close (expired at closesAt | manual)──▶ closed ──archive (expired at archivesAt | manual)──▶ archived
 *     ▲                                              │
 *     └──────reopen (manual | rescheduled)───────────┘            any state ──unpublish──▶ hidden
 *
 * Archived is final: the archive is the record of a story's discussion. Hidden is where a thread
 * goes when its story is unpublished (nothing is shown, nothing accepted).
 */

const DAY_MS = 24 * 3600 * 1000;

/** When a story's commenting closes and its thread archives: counted from its publication. */
export function scheduleFor(publishedAt: Date, policy: CommentPolicy): { closesAt: Date; archivesAt: Date } {
  return {
    closesAt: new Date(publishedAt.getTime() + policy.closeAfterDays * DAY_MS),
    archivesAt: new Date(publishedAt.getTime() + policy.archiveAfterDays * DAY_MS),
  };
}

export type ClosedReason = 'expired' | 'manual';

/** What the lifecycle decisions look at: a thread's state and schedule. */
export interface Lifecycle {
  state: ThreadState;
  /** Why a closed thread is closed; null otherwise. */
  closedReason: ClosedReason | null;
  /**
   * Whether an open thread closes by itself at closesAt. False after someone reopened it by hand
   * once its window had passed: it then stays open until closed by hand or until it archives.
   */
  autoClose: boolean;
  closesAt: Date;
  archivesAt: Date;
}

export type ThreadTransitionEvent = 'thread.closed' | 'thread.reopened' | 'thread.archived';

/** One change of state; several in a row are applied in one write, each with its own event. */
export interface Step {
  event: ThreadTransitionEvent;
  from: ThreadState;
  to: ThreadState;
  reason: ThreadChangeReason;
  /** Fields of the lifecycle that change with this step (besides the state). */
  set: Partial<Lifecycle>;
}

const closeStep = (from: ThreadState, reason: ClosedReason): Step => ({
  event: 'thread.closed',
  from,
  to: 'closed',
  reason,
  set: { state: 'closed', closedReason: reason },
});

const archiveStep = (reason: ThreadChangeReason): Step => ({
  event: 'thread.archived',
  from: 'closed',
  to: 'archived',
  reason,
  set: { state: 'archived' },
});

/**
 * The transitions that are due at `now`, in order. An open thread past both deadlines goes
 * through closed to archived: two steps, two events, closed first.
 */
export function dueSteps(thread: Lifecycle, now: Date): Step[] {
  const t = now.getTime();
  if (thread.state === 'open') {
    if (thread.archivesAt.getTime() <= t) return [closeStep('open', 'expired'), archiveStep('expired')];
    if (thread.autoClose && thread.closesAt.getTime() <= t) return [closeStep('open', 'expired')];
    return [];
  }
  if (thread.state === 'closed' && thread.archivesAt.getTime() <= t) return [archiveStep('expired')];
  return [];
}

/**
 * When the sweep must next look at this thread; null when no transition can ever come by itself
 * (archived, hidden). The sweep's indexed query is `nextTransitionAt <= now`.
 */
export function nextTransitionAt(thread: Lifecycle): Date | null {
  if (thread.state === 'open') {
    return thread.autoClose && thread.closesAt.getTime() < thread.archivesAt.getTime() ? thread.closesAt : thread.archivesAt;
  }
  if (thread.state === 'closed') return thread.archivesAt;
  return null;
}

/** A transition that cannot be made; the service turns it into a 409 with this code. */
export interface Refusal {
  code: 'invalid_thread_transition' | 'thread_archive_due';
  message: string;
}

export type Decision = { ok: true; steps: Step[] } | { ok: false; refusal: Refusal };

const refuse = (code: Refusal['code'], message: string): Decision => ({ ok: false, refusal: { code, message } });

const STATE_PHRASES: Record<ThreadState, string> = {
  open: 'the thread is open',
  closed: 'the thread is already closed',
  archived: 'the thread is archived, which is final',
  hidden: 'the story is unpublished, so its thread is hidden',
};

/**
 * What a moderator's or editor's action does to the thread, or why it cannot.
 * - close: open → closed (manual). It stays closed when the story is rescheduled; it still archives at archivesAt.
 * - reopen: closed → open, until archivesAt. Reopening after the commenting window passed keeps
 *   the thread open until someone closes it or it archives (autoClose off). Refused once archivesAt
 *   has passed: the sweep would archive it at once (move the story's archive date instead).
 * - archive: open or closed → archived; an open thread passes through closed (two events).
 */
export function manualSteps(thread: Lifecycle, action: ThreadAction, now: Date): Decision {
  const { state } = thread;
  const cannot = (verb: string) => refuse('invalid_thread_transition', `cannot ${verb} the thread: ${STATE_PHRASES[state]}`);
  switch (action) {
    case 'close':
      if (state !== 'open') return cannot('close');
      return { ok: true, steps: [closeStep('open', 'manual')] };
    case 'reopen':
      if (state !== 'closed') return cannot('reopen');
      if (thread.archivesAt.getTime() <= now.getTime()) {
        return refuse(
          'thread_archive_due',
          `cannot reopen the thread: its archive time (${thread.archivesAt.toISOString()}) has passed; change the story's comment policy first`,
        );
      }
      return {
        ok: true,
        steps: [
          {
            event: 'thread.reopened',
            from: 'closed',
            to: 'open',
            reason: 'manual',
            set: { state: 'open', closedReason: null, autoClose: thread.closesAt.getTime() > now.getTime() },
          },
        ],
      };
    case 'archive':
      if (state === 'open') return { ok: true, steps: [closeStep('open', 'manual'), archiveStep('manual')] };
      if (state === 'closed') return { ok: true, steps: [archiveStep('manual')] };
      return cannot('archive');
  }
}

/** What a story's new deadlines do to its thread. */
export interface Rescheduling {
  /** The lifecycle fields to store (the new deadlines, and any state change). */
  set: Partial<Lifecycle>;
  /** The event announcing it; null when nothing a reader could see changed. */
  event: 'thread.rescheduled' | 'thread.reopened' | null;
}

/**
 * A story's publishedAt or comment policy changed (article.updated):
 * - archived and hidden threads keep the dates they ended with: nothing to announce;
 * - a thread closed because its window *expired* reopens when the new window is still running
 *   (reason rescheduled): the newsroom gave it more time. A thread closed *by hand* stays closed;
 * - an open thread whose new window is still running closes by itself again (autoClose back on);
 * - otherwise the new deadlines are stored and announced; the sweep applies whatever is now due
 *   (a window moved into the past closes the thread at the next sweep, with reason expired).
 */
export function reschedule(thread: Lifecycle, schedule: { closesAt: Date; archivesAt: Date }, now: Date): Rescheduling {
  if (thread.state === 'archived' || thread.state === 'hidden') return { set: {}, event: null };
  const moved =
    schedule.closesAt.getTime() !== thread.closesAt.getTime() || schedule.archivesAt.getTime() !== thread.archivesAt.getTime();
  if (!moved) return { set: {}, event: null };
  const windowRunning = schedule.closesAt.getTime() > now.getTime();
  if (thread.state === 'closed' && thread.closedReason === 'expired' && windowRunning) {
    return { set: { ...schedule, state: 'open', closedReason: null, autoClose: true }, event: 'thread.reopened' };
  }
  const autoClose = thread.state === 'open' && windowRunning ? true : thread.autoClose;
  return { set: { ...schedule, autoClose }, event: 'thread.rescheduled' };
}

/** Why a thread takes no new comments: the 409 a reader gets, and nothing is stored. */
export interface CommentRefusal {
  code: 'commenting_expired' | 'commenting_closed' | 'comments_archived' | 'thread_hidden';
  message: string;
}

/**
 * Whether a reader may post to this thread now. Time counts, not only the state: an open thread
 * whose window ended refuses at once, even before the sweep records the close.
 */
export function canAcceptComments(thread: Lifecycle, now: Date): { ok: true } | { ok: false; refusal: CommentRefusal } {
  const expired = { ok: false as const, refusal: { code: 'commenting_expired' as const, message: 'commenting on this story has expired' } };
  const archived = { ok: false as const, refusal: { code: 'comments_archived' as const, message: 'the comments on this story are archived' } };
  switch (thread.state) {
    case 'open': {
      const t = now.getTime();
      if (thread.archivesAt.getTime() <= t) return archived;
      if (thread.autoClose && thread.closesAt.getTime() <= t) return expired;
      return { ok: true };
    }
    case 'closed':
      if (thread.archivesAt.getTime() <= now.getTime()) return archived;
      return thread.closedReason === 'manual'
        ? { ok: false, refusal: { code: 'commenting_closed', message: 'commenting on this story was closed' } }
        : expired;
    case 'archived':
      return archived;
    case 'hidden':
      return { ok: false, refusal: { code: 'thread_hidden', message: 'this story is not published' } };
  }
}
