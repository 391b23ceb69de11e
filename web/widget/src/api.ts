/** The one module that talks to the gateway's public API. */

export interface ApiComment {
  id: string;
  parentId: string | null;
  author: { name: string } | null;
  body: string | null;
  postedAt: string;
  deleted?: true;
}

export type ThreadState = 'open' | 'closed' | 'archived' | 'hidden';

export interface ThreadPage {
  state: ThreadState;
  commentCount: number;
  comments: ApiComment[];
  nextCursor: string | null;
}

export interface OwnComment {
  id: string;
  parentId: string | null;
  status: 'pending' | 'held' | 'approved' | 'rejected' | 'deleted';
  reason?: string;
  body: string;
  postedAt: string;
  /** A moderator's warnings to the author, carried by each post until acknowledged. */
  warnings?: { id: string; reason: string; at?: string }[];
}

/** The project's error shape; `status` 0 when the network failed. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export class Api {
  constructor(
    private readonly origin: string,
    private readonly token: () => string | null,
    private readonly refresh: () => Promise<string | null>,
  ) {}

  thread(storyId: string, cursor?: string | null): Promise<ThreadPage> {
    const query = new URLSearchParams({ limit: '20', ...(cursor ? { cursor } : {}) });
    return this.call('GET', `/api/v1/articles/${storyId}/comments?${query}`);
  }

  post(storyId: string, body: string, parentId?: string): Promise<OwnComment> {
    return this.call('POST', `/api/v1/articles/${storyId}/comments`, parentId ? { body, parentId } : { body }, { 'idempotency-key': crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}` });
  }

  own(commentId: string): Promise<OwnComment> {
    return this.call('GET', `/api/v1/comments/${commentId}`);
  }

  edit(commentId: string, body: string): Promise<OwnComment> {
    return this.call('PATCH', `/api/v1/comments/${commentId}`, { body });
  }

  remove(commentId: string): Promise<void> {
    return this.call('DELETE', `/api/v1/comments/${commentId}`);
  }

  report(commentId: string, reason: string): Promise<unknown> {
    return this.call('POST', `/api/v1/comments/${commentId}/reports`, { reason });
  }

  acknowledge(warningId: string): Promise<unknown> {
    return this.call('POST', `/api/v1/me/warnings/${warningId}/acknowledge`);
  }

  liveUrl(storyId: string): string {
    return `${this.origin}/api/v1/articles/${storyId}/live`;
  }

  private async call<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}, retried = false): Promise<T> {
    const headers: Record<string, string> = { ...extra };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network', 'network');
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (response.ok) return json as T;
    // An expired token: ask the host page for a new one, once.
    if (response.status === 401 && token && !retried && (await this.refresh())) return this.call(method, path, body, extra, true);
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    throw new ApiError(response.status, json?.code ?? 'error', json?.message ?? response.statusText, json?.details ?? {}, retryAfter);
  }
}
