import { Actor, ThreadChangeReason, ThreadState } from '@app/contracts';
import { ThreadAuditEntry } from './thread-change.schema';
import { ThreadDocument } from './thread.schema';

/** A thread as staff see it (GET /threads/:articleId): state, schedule, count and audit trail. */
export interface ThreadDetailView {
  articleId: string;
  state: ThreadState;
  closedReason: 'expired' | 'manual' | null;
  closesAt: string;
  archivesAt: string;
  /** False after a manual reopen past the window: the thread stays open until closed or archived. */
  autoClose: boolean;
  nextTransitionAt: string | null;
  commentCount: number;
  seq: number;
  audit: {
    seq: number;
    event: string;
    eventId: string;
    from: ThreadState | null;
    to: ThreadState;
    reason: ThreadChangeReason;
    at: string;
    actor?: Actor;
    note?: string;
  }[];
}

export const toThreadDetailView = (thread: ThreadDocument, audit: ThreadAuditEntry[]): ThreadDetailView => ({
  articleId: thread._id,
  state: thread.state,
  closedReason: thread.closedReason ?? null,
  closesAt: thread.closesAt.toISOString(),
  archivesAt: thread.archivesAt.toISOString(),
  autoClose: thread.autoClose !== false,
  nextTransitionAt: thread.nextTransitionAt ? thread.nextTransitionAt.toISOString() : null,
  commentCount: thread.commentCount ?? 0,
  seq: thread.seq,
  audit: audit.map((entry) => ({
    seq: entry.seq,
    event: entry.event,
    eventId: entry.eventId,
    from: entry.from ?? null,
    to: entry.to,
    reason: entry.reason,
    at: new Date(entry.at).toISOString(),
    ...(entry.actor ? { actor: { id: entry.actor.id, name: entry.actor.name, roles: entry.actor.roles } } : {}),
    ...(entry.note ? { note: entry.note } : {}),
  })),
});
