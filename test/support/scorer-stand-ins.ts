// Local stand-ins for Perspective (comments:analyze) and Akismet (comment-check), speaking their
// documented request and response shapes, errors included. What they answer depends on the text:
//   "slow-please" (no answer for 4 s), "rate-limit-please" (429), "fail-please" (500);
//   Perspective: toxicity 0.95 for two or more of INSULTS, 0.8 for one, else 0.03;
//   Akismet: author "viagra-test-123" (Akismet's documented test trigger) → "true";
//   "cheap pills" in the text → "true" with X-akismet-pro-tip: discard; else "false".
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export const INSULTS = ['worthless', 'pathetic', 'disgusting', 'clown'];

export interface StandIn {
  url: string;
  /** Requests received, for assertions on the shape sent. */
  requests: { path: string; query: URLSearchParams; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

const SLOW_MS = 4_000;

async function serve(handle: (req: IncomingMessage, body: string, res: ServerResponse, url: URL) => void | Promise<void>, path: string): Promise<StandIn> {
  const requests: StandIn['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body });
      if (body.includes('slow-please')) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          void handle(req, body.replace('slow-please', ''), res, url);
        }, SLOW_MS);
        timers.add(timer);
        return;
      }
      void handle(req, body, res, url);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
};

/** Perspective: POST /v1alpha1/comments:analyze?key=…, JSON in and out (developers.perspectiveapi.com). */
export function perspectiveStandIn(key: string): Promise<StandIn> {
  return serve((req, body, res, url) => {
    if (req.method !== 'POST' || url.pathname !== '/v1alpha1/comments:analyze') return json(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
    if (url.searchParams.get('key') !== key) {
      return json(res, 400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } });
    }
    let request: { comment?: { text?: string }; requestedAttributes?: Record<string, unknown> };
    try {
      request = JSON.parse(body);
    } catch {
      return json(res, 400, { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } });
    }
    const text = request.comment?.text;
    if (typeof text !== 'string' || !text) return json(res, 400, { error: { code: 400, message: 'Comment must be non-empty.', status: 'INVALID_ARGUMENT' } });
    if (!request.requestedAttributes || !Object.keys(request.requestedAttributes).length) {
      return json(res, 400, { error: { code: 400, message: 'Must request at least one attribute.', status: 'INVALID_ARGUMENT' } });
    }
    if (text.includes('rate-limit-please')) {
      res.setHeader('retry-after', '30');
      return json(res, 429, { error: { code: 429, message: "Quota exceeded for quota metric 'Analysis requests (AnalyzeComment)'", status: 'RESOURCE_EXHAUSTED' } });
    }
    if (text.includes('fail-please')) return json(res, 500, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } });
    const insults = INSULTS.filter((w) => text.toLowerCase().includes(w)).length;
    const value = insults >= 2 ? 0.95 : insults === 1 ? 0.8 : 0.03;
    const score = { value, type: 'PROBABILITY' };
    const attributeScores = Object.fromEntries(
      Object.keys(request.requestedAttributes).map((name) => [name, { spanScores: [{ begin: 0, end: text.length, score }], summaryScore: score }]),
    );
    return json(res, 200, { attributeScores, languages: ['en'], detectedLanguages: ['en'] });
  }, '/v1alpha1/comments:analyze');
}

/** Akismet: POST /1.1/comment-check, a form in, "true"/"false"/"invalid" out (akismet.com/developers). */
export function akismetStandIn(key: string): Promise<StandIn> {
  return serve((req, body, res, url) => {
    const text = (status: number, answer: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(answer);
    };
    if (req.method !== 'POST' || url.pathname !== '/1.1/comment-check') return text(404, 'Not Found');
    const form = new URLSearchParams(body);
    if (form.get('api_key') !== key) return text(200, 'invalid', { 'X-akismet-debug-help': 'We were unable to verify your API key.' });
    if (!form.get('blog')) return text(200, 'Missing required field: blog.', { 'X-akismet-debug-help': 'Missing required field: blog.' });
    const content = form.get('comment_content') ?? '';
    if (content.includes('rate-limit-please')) return text(429, 'Too Many Requests', { 'retry-after': '60' });
    if (content.includes('fail-please')) return text(500, 'Internal Server Error');
    if (content.includes('cheap pills')) return text(200, 'true', { 'X-akismet-pro-tip': 'discard' });
    if (form.get('comment_author') === 'viagra-test-123') return text(200, 'true');
    return text(200, 'false');
  }, '/1.1/comment-check');
}
