import { serviceAuthHeaders } from '@app/http';
import { signToken, TokenOptions } from '@app/testing';
import { system } from './services';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One call to the gateway's public API, as a client would make it. */
export async function api<T = any>(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    port?: number;
    /** A call straight to a backend service on `port`, signed as the gateway signs its calls (anonymous). */
    signed?: boolean;
  } = {},
): Promise<ApiResponse<T>> {
  // A new client address per call unless the test names one (the gateway trusts X-Forwarded-For
  // in tests), so rate limits per address only bite where a test means them to.
  const headers: Record<string, string> = { 'x-forwarded-for': `2001:db8::${rand()}:${rand()}`, ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.signed) Object.assign(headers, serviceAuthHeaders(system().serviceAuthSecret, method, path));
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const response = await fetch(`http://127.0.0.1:${options.port ?? system().ports.gateway}${path}`, { method, headers, body: payload });
  // A live stream (SSE) never ends by itself: its status and headers are the answer.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, headers: response.headers, body: undefined as T };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export const tokenFor = (options: TokenOptions = {}) => signToken(system().jwtSecret, options);
export const editorToken = () => tokenFor({ sub: 'editor-1', name: 'Christine Stuart', roles: ['editor'] });

/** A client address from the IPv6 documentation range (never a real host; it is only a header). */
const rand = () => Math.floor(Math.random() * 65536).toString(16);
