import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { connectLive, LiveState, parseSse, QueueChange } from './live';

/**
 * The console's live client against a local HTTP server that speaks the agreed contract of
 * GET /api/v1/moderation/live (SSE, `event: queue`), and against one that lacks the route (404).
 */

const waitFor = async (check: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let server: Server;
let base: string;
const seen: { auth?: string; lastEventId?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ auth: req.headers.authorization, lastEventId: req.headers['last-event-id'] as string | undefined });
    if (req.url !== '/live') return res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404}');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': heartbeat\n\n');
    const change: QueueChange = { change: 'left', queue: 'held', commentId: 'c-1', articleId: 'a-1', at: '2026-12-02T10:00:00.000Z' };
    // split across writes, as a network may deliver it
    const text = `id: 7\nevent: queue\ndata: ${JSON.stringify(change)}\n\n`;
    res.write(text.slice(0, 20));
    setTimeout(() => res.end(text.slice(20)), 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('parseSse', () => {
  it('splits events, joins data lines, keeps ids, skips comments and keeps an incomplete tail', () => {
    const { events, rest } = parseSse(': hi\n\nevent: queue\nid: 3\ndata: {"a":\ndata: 1}\n\ndata: x\r\n\r\nevent: queue\ndata: part');
    expect(events).toEqual([
      { event: 'queue', id: '3', data: '{"a":\n1}' },
      { event: 'message', data: 'x', id: undefined },
    ]);
    expect(rest).toBe('event: queue\ndata: part');
  });
});

describe('connectLive', () => {
  it('reads queue changes from the stream with the bearer token, and resumes with Last-Event-ID', async () => {
    const changes: QueueChange[] = [];
    const states: LiveState[] = [];
    let refreshes = 0;
    seen.length = 0;
    const live = connectLive({ url: `${base}/live`, token: () => 'tok', onChange: (c) => changes.push(c), onState: (s) => states.push(s), refresh: () => refreshes++, pollMs: 50 });
    await waitFor(() => changes.length === 1);
    expect(changes[0]).toEqual({ change: 'left', queue: 'held', commentId: 'c-1', articleId: 'a-1', at: '2026-12-02T10:00:00.000Z' });
    expect(states.slice(0, 2)).toEqual(['connecting', 'live']);
    expect(seen[0]).toEqual({ auth: 'Bearer tok', lastEventId: undefined });
    // the server ended the stream: the client polls meanwhile and reconnects with the last id
    await waitFor(() => seen.length >= 2, 5000);
    live.close();
    expect(seen[1]!.lastEventId).toBe('7');
    expect(states).toContain('polling');
    expect(refreshes).toBeGreaterThanOrEqual(1);
  });

  it('falls back to refreshing the counts on a timer when the gateway has no stream (404)', async () => {
    const states: LiveState[] = [];
    let refreshes = 0;
    const live = connectLive({ url: `${base}/missing`, token: () => 'tok', onChange: () => undefined, onState: (s) => states.push(s), refresh: () => refreshes++, pollMs: 20, retryMissingMs: 60_000 });
    await waitFor(() => refreshes >= 3);
    live.close();
    const after = refreshes;
    await new Promise((r) => setTimeout(r, 80));
    expect(states).toEqual(['connecting', 'polling']);
    expect(refreshes).toBe(after);
  });
});
