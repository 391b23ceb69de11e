// The one client of the gateway's moderator API (/api/v1/moderation, docs/moderation.md).

export const QUEUES = ['held', 'reported', 'approved', 'rejected'] as const;
export type Queue = (typeof QUEUES)[number];
export type Counts = Record<Queue, number>;
export type StatusCounts = Record<string, number>;

export interface Sanction {
  id: string;
  userId: string;
  kind: 'ban' | 'suspend' | 'premoderate' | 'warn';
  until?: string;
  reason: string;
  by: { id: string; name: string };
  at: string;
  status: string;
  lifted?: { by: { id: string; name: string }; at: string };
}

export interface CommentView {
  id: string;
  articleId: string;
  parentId?: string;
  body: string;
  revision: number;
  status: string;
  postedAt: string;
  firstPostedAt: string;
}

export interface Verdict {
  revision: number;
  decision: string;
  rule: string;
  reason: string;
  moderator?: { id: string; name: string };
  decidedAt: string;
  /** The decision's number: what an override names as the one it reverses. */
  seq: number;
  overrides?: number;
}

export interface Note {
  id: string;
  text: string;
  by: { id: string; name: string };
  at: string;
}

export interface Notes {
  count: number;
  latest: Note[];
}

export interface Reports {
  count: number;
  unreviewed: number;
  items: { by: { id: string; name: string }; reason: string; at: string }[];
}

export interface QueueItem {
  comment: CommentView;
  story: { id: string; title: string; slug: string; preModeration: boolean } | null;
  author: { id?: string; name: string; history: StatusCounts | null; activeSanctions: Sanction[]; notes: Notes };
  why: Verdict & { reports: Reports };
}

export interface QueuePage {
  status: Queue;
  items: QueueItem[];
  nextCursor: string | null;
}

export interface QueueFilter {
  status: Queue;
  q?: string;
  authorId?: string;
  articleId?: string;
  /** A section: the stories "Posted to" this category. */
  category?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export interface HistoryLine {
  type: string;
  at: string;
  [field: string]: unknown;
}

export interface CaseHistory {
  comment: CommentView;
  author: { id?: string; name: string };
  verdict: Verdict;
  reports: Reports;
  history: HistoryLine[];
}

export interface UserRecord {
  id: string;
  name: string | null;
  history: StatusCounts;
  activeSanctions: Sanction[];
  sanctions: Sanction[];
  recentComments: { comment: CommentView; verdict: Verdict }[];
  notes: Notes;
}

export type Decision = 'approve' | 'reject';
export interface BulkResult {
  succeeded: number;
  failed: number;
  results: ({ commentId: string; ok: true; status: string } | { commentId: string; ok: false; code: string; message: string })[];
}

/** The project's error shape: { statusCode, error, code, message, details?, correlationId }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class ModerationApi {
  constructor(
    private readonly token: () => string | null,
    private readonly base = '/api/v1/moderation',
  ) {}

  counts = () => this.call<Counts>('GET', '/queue/counts');

  queue(filter: QueueFilter): Promise<QueuePage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') params.set(key, String(value));
    return this.call('GET', `/queue?${params}`);
  }

  decide = (commentId: string, decision: Decision, reason: string, revision?: number) =>
    this.call<unknown>('POST', `/comments/${encodeURIComponent(commentId)}/decision`, { decision, reason, revision });

  decideMany = (decisions: { commentId: string; decision: Decision; reason: string; revision?: number }[]) =>
    this.call<BulkResult>('POST', '/decisions', { decisions });

  /** Reverses the latest decision (a rule's or a colleague's); seq is the one reversed. */
  override = (commentId: string, decision: Decision, reason: string, decisionSeq: number) =>
    this.call<unknown>('POST', `/comments/${encodeURIComponent(commentId)}/override`, { decision, reason, decisionSeq });

  addNote = (userId: string, text: string) => this.call<Note>('POST', `/users/${encodeURIComponent(userId)}/notes`, { text });

  history = (commentId: string) => this.call<CaseHistory>('GET', `/comments/${encodeURIComponent(commentId)}/history`);

  user = (userId: string) => this.call<UserRecord>('GET', `/users/${encodeURIComponent(userId)}`);

  sanction = (userId: string, input: { kind: Sanction['kind']; until?: string; reason: string }) =>
    this.call<Sanction>('POST', `/users/${encodeURIComponent(userId)}/sanctions`, input);

  lift = (userId: string, sanctionId: string) =>
    this.call<Sanction>('DELETE', `/users/${encodeURIComponent(userId)}/sanctions/${encodeURIComponent(sanctionId)}`);

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network', 'The gateway could not be reached.');
    }
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      throw new ApiError(response.status, parsed?.code ?? String(response.status), parsed?.message ?? response.statusText ?? 'request failed');
    }
    return parsed as T;
  }
}
