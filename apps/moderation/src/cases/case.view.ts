import { NotesSummary } from '../notes/notes.service';
import { SanctionView } from '../sanctions/sanction.rules';
import { StoryDocument } from '../stories/story.schema';
import { CaseDocument, CaseReport, CaseState, CaseStatus, CaseVerdict } from './case.schema';
import { StatusCounts } from './cases.repository';

/** What the moderator API shows of a case. */
export interface CaseView {
  comment: {
    id: string;
    articleId: string;
    parentId?: string;
    body: string;
    revision: number;
    status: CaseStatus;
    source: string;
    postedAt: string;
    firstPostedAt: string;
  };
  author: { id?: string; name: string };
  /** The latest decision: which rule (or moderator) and why. */
  verdict: VerdictView;
  reports: ReportsView;
}

export interface VerdictView {
  revision: number;
  decision: string;
  rule: string;
  reason: string;
  moderator?: { id: string; name: string };
  decidedAt: string;
  /** The decision's number in the case (decisionSeq): what an override names as the one it reverses. */
  seq: number;
  /** Set when this decision reversed an earlier one: that one's seq. */
  overrides?: number;
}

export interface ReportsView {
  count: number;
  /** Reports a moderator has not answered yet. */
  unreviewed: number;
  items: { by: { id: string; name: string }; reason: string; at: string }[];
}

/** One queue item: the comment, its story, its author's record, and why it is there. */
export interface QueueItem {
  comment: CaseView['comment'];
  story: { id: string; title?: string; slug?: string; preModeration?: boolean } | null;
  author: { id?: string; name: string; history: StatusCounts | null; activeSanctions: SanctionView[]; notes: NotesSummary };
  why: VerdictView & { reports: ReportsView };
}

const iso = (date: Date) => date.toISOString();

const verdictView = (verdict: CaseVerdict, seq: number): VerdictView => ({
  revision: verdict.revision,
  decision: verdict.decision,
  rule: verdict.rule,
  reason: verdict.reason,
  ...(verdict.by ? { moderator: { id: verdict.by.id, name: verdict.by.name } } : {}),
  decidedAt: iso(verdict.at),
  seq,
  ...(verdict.overrides ? { overrides: verdict.overrides } : {}),
});

const reportsView = (reports: CaseReport[], reviewed: number): ReportsView => ({
  count: reports.length,
  unreviewed: Math.max(0, reports.length - reviewed),
  items: reports.map((r) => ({ by: r.by, reason: r.reason, at: iso(r.at) })),
});

const commentView = (c: Pick<CaseState, 'articleId' | 'parentId' | 'body' | 'revision' | 'status' | 'source' | 'postedAt' | 'firstPostedAt'>, id: string) => ({
  id,
  articleId: c.articleId,
  ...(c.parentId ? { parentId: c.parentId } : {}),
  body: c.body,
  revision: c.revision,
  status: c.status,
  source: c.source,
  postedAt: iso(c.postedAt),
  firstPostedAt: iso(c.firstPostedAt),
});

export function toCaseView(state: CaseState): CaseView {
  return {
    comment: commentView(state, state.commentId),
    author: state.author,
    verdict: verdictView(state.verdict, state.decisionSeq),
    reports: reportsView(state.reports, state.reviewedReports),
  };
}

export function toQueueItem(
  doc: CaseDocument,
  story: StoryDocument | undefined,
  counts: StatusCounts | undefined,
  sanctions: SanctionView[] | undefined,
  notes?: NotesSummary,
): QueueItem {
  return {
    comment: commentView(doc, doc._id),
    story: story ? { id: story._id, title: story.title, slug: story.slug, preModeration: story.preModeration } : null,
    author: {
      ...(doc.authorId ? { id: doc.authorId } : {}),
      name: doc.authorName,
      history: doc.authorId ? (counts ?? null) : null,
      activeSanctions: sanctions ?? [],
      notes: notes ?? { count: 0, latest: [] },
    },
    why: { ...verdictView(doc.verdict, doc.decisionSeq ?? 1), reports: reportsView(doc.reports ?? [], doc.reviewedReports ?? 0) },
  };
}
