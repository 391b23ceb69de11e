import { CommentPolicy } from '@app/contracts';
import { canAcceptComments, dueSteps, Lifecycle, manualSteps, nextTransitionAt, reschedule, scheduleFor } from './thread.rules';

const DAY = 86_400_000;
const published = new Date('2015-07-21T09:30:00Z');
const policy: CommentPolicy = { closeAfterDays: 14, archiveAfterDays: 30, preModeration: false };
const schedule = scheduleFor(published, policy);
const at = (days: number) => new Date(published.getTime() + days * DAY);

const thread = (overrides: Partial<Lifecycle> = {}): Lifecycle => ({
  state: 'open',
  closedReason: null,
  autoClose: true,
  ...schedule,
  ...overrides,
});

const summary = (steps: ReturnType<typeof dueSteps>) => steps.map((s) => `${s.event}:${s.from}->${s.to}:${s.reason}`);

describe('scheduleFor', () => {
  it('counts both deadlines in days from publication', () => {
    expect(schedule.closesAt.toISOString()).toBe('2015-08-04T09:30:00.000Z');
    expect(schedule.archivesAt.toISOString()).toBe('2015-08-20T09:30:00.000Z');
  });

  it('closes at publication when the window is zero days', () => {
    expect(scheduleFor(published, { ...policy, closeAfterDays: 0, archiveAfterDays: 0 })).toEqual({ closesAt: published, archivesAt: published });
  });
});

describe('dueSteps', () => {
  it('has nothing to do while the window runs', () => {
    expect(dueSteps(thread(), at(13.9))).toEqual([]);
  });

  it('closes an open thread as expired at closesAt, exactly', () => {
    expect(summary(dueSteps(thread(), schedule.closesAt))).toEqual(['thread.closed:open->closed:expired']);
  });

  it('archives a closed thread at archivesAt, whatever closed it', () => {
    expect(dueSteps(thread({ state: 'closed', closedReason: 'expired' }), at(29))).toEqual([]);
    expect(summary(dueSteps(thread({ state: 'closed', closedReason: 'manual' }), schedule.archivesAt))).toEqual([
      'thread.archived:closed->archived:expired',
    ]);
  });

  it('takes an old story past both deadlines through closed to archived, in that order', () => {
    expect(summary(dueSteps(thread(), new Date('2026-01-01T00:00:00Z')))).toEqual([
      'thread.closed:open->closed:expired',
      'thread.archived:closed->archived:expired',
    ]);
  });

  it('gives a story moved in years after its publication its final state at its opening', () => {
    // As ThreadsService.open applies them: the fresh open thread, the due steps, then nothing is ever due again.
    const opening = thread({ ...scheduleFor(at(-3650), policy) });
    const steps = dueSteps(opening, at(0));
    expect(summary(steps)).toEqual(['thread.closed:open->closed:expired', 'thread.archived:closed->archived:expired']);
    const after = steps.reduce((lifecycle, step) => ({ ...lifecycle, ...step.set }), opening);
    expect(after.state).toBe('archived');
    expect(nextTransitionAt(after)).toBeNull();
    expect(dueSteps(after, at(36500))).toEqual([]);
  });

  it('at an opening, follows the story\'s own policy: only closed when the archive date is still ahead, nothing when both are', () => {
    const longArchive = { ...policy, archiveAfterDays: 36500 };
    expect(summary(dueSteps(thread({ ...scheduleFor(at(-3650), longArchive) }), at(0)))).toEqual(['thread.closed:open->closed:expired']);
    expect(dueSteps(thread({ ...scheduleFor(at(-1), policy) }), at(0))).toEqual([]);
    // A zero-day policy: archived the moment it is published.
    const zero = { ...policy, closeAfterDays: 0, archiveAfterDays: 0 };
    expect(summary(dueSteps(thread({ ...scheduleFor(at(0), zero) }), at(0)))).toEqual([
      'thread.closed:open->closed:expired',
      'thread.archived:closed->archived:expired',
    ]);
  });

  it('leaves a thread reopened past its window open until it archives', () => {
    const reopened = thread({ autoClose: false });
    expect(dueSteps(reopened, at(20))).toEqual([]);
    expect(summary(dueSteps(reopened, at(30)))).toEqual(['thread.closed:open->closed:expired', 'thread.archived:closed->archived:expired']);
  });

  it('never moves archived or hidden threads', () => {
    const later = new Date('2030-01-01T00:00:00Z');
    expect(dueSteps(thread({ state: 'archived' }), later)).toEqual([]);
    expect(dueSteps(thread({ state: 'hidden' }), later)).toEqual([]);
  });

  it('is idempotent: applying the due steps leaves nothing due', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    let current = thread();
    for (const step of dueSteps(current, now)) current = { ...current, ...step.set };
    expect(current.state).toBe('archived');
    expect(dueSteps(current, now)).toEqual([]);
  });
});

describe('nextTransitionAt', () => {
  it('is the close time of an open thread, the archive time of a closed one, and none after', () => {
    expect(nextTransitionAt(thread())).toEqual(schedule.closesAt);
    expect(nextTransitionAt(thread({ state: 'closed', closedReason: 'manual' }))).toEqual(schedule.archivesAt);
    expect(nextTransitionAt(thread({ state: 'archived' }))).toBeNull();
    expect(nextTransitionAt(thread({ state: 'hidden' }))).toBeNull();
  });

  it('is the archive time of an open thread that does not close by itself', () => {
    expect(nextTransitionAt(thread({ autoClose: false }))).toEqual(schedule.archivesAt);
  });

  it('is never later than the due steps need: every due thread is found by nextTransitionAt <= now', () => {
    for (const t of [thread(), thread({ autoClose: false }), thread({ state: 'closed', closedReason: 'expired' })]) {
      const next = nextTransitionAt(t)!;
      expect(dueSteps(t, new Date(next.getTime() - 1))).toEqual([]);
      expect(dueSteps(t, next).length).toBeGreaterThan(0);
    }
  });
});

describe('manualSteps', () => {
  const now = at(5);

  it('closes an open thread by hand', () => {
    const decision = manualSteps(thread(), 'close', now);
    expect(decision.ok && summary(decision.steps)).toEqual(['thread.closed:open->closed:manual']);
    expect(decision.ok && decision.steps[0]!.set).toEqual({ state: 'closed', closedReason: 'manual' });
  });

  it('refuses to close a thread that is not open, with a message naming the state', () => {
    for (const state of ['closed', 'archived', 'hidden'] as const) {
      const decision = manualSteps(thread({ state }), 'close', now);
      expect(decision).toMatchObject({ ok: false, refusal: { code: 'invalid_thread_transition' } });
    }
    expect(manualSteps(thread({ state: 'archived' }), 'close', now)).toMatchObject({
      refusal: { message: 'cannot close the thread: the thread is archived, which is final' },
    });
  });

  it('reopens a closed thread; it closes by itself again only if its window still runs', () => {
    const inWindow = manualSteps(thread({ state: 'closed', closedReason: 'manual' }), 'reopen', now);
    expect(inWindow.ok && summary(inWindow.steps)).toEqual(['thread.reopened:closed->open:manual']);
    expect(inWindow.ok && inWindow.steps[0]!.set).toEqual({ state: 'open', closedReason: null, autoClose: true });

    const pastWindow = manualSteps(thread({ state: 'closed', closedReason: 'expired' }), 'reopen', at(20));
    expect(pastWindow.ok && pastWindow.steps[0]!.set).toEqual({ state: 'open', closedReason: null, autoClose: false });
  });

  it('refuses to reopen an archived thread (archived is final), an open one, or one past its archive time', () => {
    expect(manualSteps(thread({ state: 'archived' }), 'reopen', now)).toMatchObject({ ok: false, refusal: { code: 'invalid_thread_transition' } });
    expect(manualSteps(thread(), 'reopen', now)).toMatchObject({ ok: false, refusal: { code: 'invalid_thread_transition' } });
    expect(manualSteps(thread({ state: 'hidden' }), 'reopen', now)).toMatchObject({ ok: false });
    expect(manualSteps(thread({ state: 'closed', closedReason: 'expired' }), 'reopen', at(30))).toMatchObject({
      ok: false,
      refusal: { code: 'thread_archive_due' },
    });
  });

  it('archives a closed thread, and an open one through closed', () => {
    const closed = manualSteps(thread({ state: 'closed', closedReason: 'expired' }), 'archive', now);
    expect(closed.ok && summary(closed.steps)).toEqual(['thread.archived:closed->archived:manual']);
    const open = manualSteps(thread(), 'archive', now);
    expect(open.ok && summary(open.steps)).toEqual(['thread.closed:open->closed:manual', 'thread.archived:closed->archived:manual']);
  });

  it('refuses to archive twice or to archive a hidden thread', () => {
    expect(manualSteps(thread({ state: 'archived' }), 'archive', now)).toMatchObject({ ok: false, refusal: { code: 'invalid_thread_transition' } });
    expect(manualSteps(thread({ state: 'hidden' }), 'archive', now)).toMatchObject({ ok: false });
  });
});

describe('reschedule', () => {
  const later = { closesAt: at(40), archivesAt: at(60) };

  it('changes nothing when the deadlines did not move', () => {
    expect(reschedule(thread(), schedule, at(1))).toEqual({ set: {}, event: null });
  });

  it('stores and announces moved deadlines of an open thread', () => {
    expect(reschedule(thread(), later, at(1))).toEqual({ set: { ...later, autoClose: true }, event: 'thread.rescheduled' });
  });

  it('reopens a thread closed as expired when its new window still runs', () => {
    expect(reschedule(thread({ state: 'closed', closedReason: 'expired' }), later, at(20))).toEqual({
      set: { ...later, state: 'open', closedReason: null, autoClose: true },
      event: 'thread.reopened',
    });
  });

  it('keeps a thread closed by hand closed, with its new deadlines', () => {
    expect(reschedule(thread({ state: 'closed', closedReason: 'manual' }), later, at(20))).toEqual({
      set: { ...later, autoClose: true },
      event: 'thread.rescheduled',
    });
  });

  it('keeps an expired thread closed when the new window is over too', () => {
    const earlier = { closesAt: at(10), archivesAt: at(50) };
    expect(reschedule(thread({ state: 'closed', closedReason: 'expired' }), earlier, at(20))).toMatchObject({ event: 'thread.rescheduled' });
    expect(reschedule(thread({ state: 'closed', closedReason: 'expired' }), earlier, at(20)).set.state).toBeUndefined();
  });

  it('turns automatic closing back on when an open thread gets a running window', () => {
    expect(reschedule(thread({ autoClose: false }), later, at(20)).set.autoClose).toBe(true);
    expect(reschedule(thread({ autoClose: false }), { closesAt: at(15), archivesAt: at(60) }, at(20)).set.autoClose).toBe(false);
  });

  it('leaves archived and hidden threads as they ended', () => {
    expect(reschedule(thread({ state: 'archived' }), later, at(20))).toEqual({ set: {}, event: null });
    expect(reschedule(thread({ state: 'hidden' }), later, at(20))).toEqual({ set: {}, event: null });
  });
});

describe('canAcceptComments', () => {
  it('accepts comments while the window runs', () => {
    expect(canAcceptComments(thread(), at(1))).toEqual({ ok: true });
  });

  it('refuses as expired once closesAt passed, even before the sweep records the close', () => {
    expect(canAcceptComments(thread(), at(14))).toEqual({ ok: false, refusal: { code: 'commenting_expired', message: 'commenting on this story has expired' } });
    expect(canAcceptComments(thread({ state: 'closed', closedReason: 'expired' }), at(15))).toMatchObject({ refusal: { code: 'commenting_expired' } });
  });

  it('says the thread was closed when someone closed it', () => {
    expect(canAcceptComments(thread({ state: 'closed', closedReason: 'manual' }), at(1))).toEqual({
      ok: false,
      refusal: { code: 'commenting_closed', message: 'commenting on this story was closed' },
    });
  });

  it('says the comments are archived once archived or past archivesAt', () => {
    const archived = { ok: false, refusal: { code: 'comments_archived', message: 'the comments on this story are archived' } };
    expect(canAcceptComments(thread({ state: 'archived' }), at(1))).toEqual(archived);
    expect(canAcceptComments(thread({ state: 'closed', closedReason: 'manual' }), at(31))).toEqual(archived);
    expect(canAcceptComments(thread(), at(31))).toEqual(archived);
  });

  it('keeps a thread reopened past its window open until archivesAt', () => {
    expect(canAcceptComments(thread({ autoClose: false }), at(20))).toEqual({ ok: true });
  });

  it('refuses on a hidden thread', () => {
    expect(canAcceptComments(thread({ state: 'hidden' }), at(1))).toMatchObject({ ok: false, refusal: { code: 'thread_hidden' } });
  });
});
