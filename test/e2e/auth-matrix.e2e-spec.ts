import { randomUUID } from 'node:crypto';
import { Actor, Role } from '@app/contracts';
import { serviceAuthHeaders } from '@app/http';
import { articleInput, badTokens, eventually, issuerAudienceTokens, signToken } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { withDatabase } from '../support/mongo';
import { fillPath, Operation, operationsOf, table } from '../support/operations';
import { freePort, startService, stopProcess, system, waitReady } from '../support/services';

/**
 * Who may call what: every operation of the OpenAPI document × every kind of caller → the
 * expected status, as one table. An operation without a row fails the suite, so a new route
 * cannot escape it.
 *
 * A caller who may pass gets a harmless probe: an unknown id (404) or an invalid body (400,
 * validation runs after the guards), so the matrix changes no state. What the probe answers a
 * permitted caller is the row's `passes` status; refused callers get 401 or 403.
 */

type Access = 'public' | Role[];

interface Row {
  access: Access;
  /** Path parameters (unknown ids unless stated), body and query of the probe. */
  params?: string[];
  body?: unknown;
  /** The status a permitted caller's probe gets. */
  passes: number;
}

const unknown = () => randomUUID();
const WRITERS: Role[] = ['reader', 'moderator', 'editor'];
const STAFF: Role[] = ['moderator', 'editor'];

/** The specification. admin may do everything (the guard's rule), so it is never listed. */
const MATRIX: Record<string, Row> = {
  'POST /api/v1/articles': { access: ['editor'], body: {}, passes: 400 },
  'GET /api/v1/articles': { access: 'public', passes: 200 },
  'POST /api/v1/articles/import': { access: ['editor'], body: {}, passes: 400 },
  'PATCH /api/v1/articles/{id}': { access: ['editor'], body: { title: 42 }, passes: 400 },
  'DELETE /api/v1/articles/{id}': { access: ['editor'], passes: 404 },
  'GET /api/v1/articles/{id}': { access: 'public', passes: 404 },
  'POST /api/v1/articles/{id}/comments': { access: WRITERS, body: {}, passes: 400 },
  'GET /api/v1/articles/{id}/comments': { access: 'public', passes: 404 },
  'GET /api/v1/comments/{id}': { access: 'public', passes: 404 },
  'PATCH /api/v1/comments/{id}': { access: WRITERS, body: {}, passes: 400 },
  'DELETE /api/v1/comments/{id}': { access: WRITERS, passes: 404 },
  'GET /api/v1/articles/{id}/thread': { access: STAFF, passes: 404 },
  'POST /api/v1/articles/{id}/thread/close': { access: STAFF, body: {}, passes: 404 },
  'POST /api/v1/articles/{id}/thread/reopen': { access: STAFF, body: {}, passes: 404 },
  'POST /api/v1/articles/{id}/thread/archive': { access: STAFF, body: {}, passes: 404 },
  'POST /api/v1/articles/{id}/comments/import': { access: [], body: {}, passes: 400 },
  // Without the mapping query (and with a JSON body): refused by validation, nothing read.
  'POST /api/v1/imports/disqus': { access: [], body: {}, passes: 400 },
  'POST /api/v1/imports/wordpress': { access: [], body: {}, passes: 400 },
  'GET /api/v1/moderation/queue': { access: ['moderator'], passes: 200 },
  'GET /api/v1/moderation/queue/counts': { access: ['moderator'], passes: 200 },
  'GET /api/v1/moderation/queue/sections': { access: ['moderator'], passes: 200 },
  'GET /api/v1/moderation/filter': { access: ['moderator'], passes: 200 },
  'POST /api/v1/moderation/filter/retrain': { access: ['moderator'], passes: 409 },
  'POST /api/v1/moderation/comments/{id}/decision': { access: ['moderator'], body: {}, passes: 400 },
  'POST /api/v1/moderation/decisions': { access: ['moderator'], body: {}, passes: 400 },
  'POST /api/v1/moderation/comments/{id}/override': { access: ['moderator'], body: {}, passes: 400 },
  'GET /api/v1/moderation/comments/{id}/history': { access: ['moderator'], passes: 404 },
  'GET /api/v1/moderation/users/{id}': { access: ['moderator'], params: ['matrix-nobody'], passes: 200 },
  'POST /api/v1/moderation/users/{id}/sanctions': { access: ['moderator'], params: ['matrix-nobody'], body: {}, passes: 400 },
  'POST /api/v1/moderation/users/{id}/notes': { access: ['moderator'], params: ['matrix-nobody'], body: {}, passes: 400 },
  'POST /api/v1/me/warnings/{id}/acknowledge': { access: WRITERS, passes: 404 },
  'GET /api/v1/me/data': { access: WRITERS, passes: 200 },
  'POST /api/v1/me/erasure': { access: WRITERS, body: {}, passes: 400 },
  'GET /api/v1/users/{id}/data': { access: ['admin'], params: ['matrix-nobody'], passes: 200 },
  'POST /api/v1/users/{id}/erasure': { access: ['admin'], params: ['matrix-nobody'], body: {}, passes: 400 },
  'DELETE /api/v1/moderation/users/{id}/sanctions/{sanctionId}': { access: ['moderator'], params: ['matrix-nobody'], passes: 404 },
  'POST /api/v1/comments/{id}/reports': { access: WRITERS, body: {}, passes: 400 },
  'GET /api/v1/articles/{id}/live': { access: 'public', passes: 404 },
  'GET /api/v1/moderation/live': { access: ['moderator'], passes: 200 },
};

const ROLES: Role[] = ['reader', 'moderator', 'editor', 'admin'];
const BAD_KINDS = ['expired', 'notYetValid', 'wrongSignature', 'algNone', 'otherAlgorithm', 'garbage', 'noRoles', 'unknownRole', 'noSubject', 'noExpiry', 'tooLong', 'basicScheme'] as const;
const COLUMNS = ['none', ...BAD_KINDS, ...ROLES] as const;
type Column = (typeof COLUMNS)[number];

const ISSUER = 'https://login.news.example';
const AUDIENCE = 'comments';
const STRICT_COLUMNS = ['reader+iss+aud', 'admin+iss+aud', 'wrongIssuer', 'wrongAudience', 'noIssuerNoAudience'] as const;
type StrictColumn = (typeof STRICT_COLUMNS)[number];

function expected(row: Row, column: Column | StrictColumn): number {
  if (column === 'none') return row.access === 'public' ? row.passes : 401;
  // A token that is sent must be valid, on public routes too.
  if ((BAD_KINDS as readonly string[]).includes(column) || ['wrongIssuer', 'wrongAudience', 'noIssuerNoAudience'].includes(column)) return 401;
  const role = column.replace('+iss+aud', '') as Role;
  if (row.access === 'public' || role === 'admin' || row.access.includes(role)) return row.passes;
  return 403;
}

/** Runs `work` over items with at most `width` at a time. */
async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
}

function headerFor(column: Column | StrictColumn, secret: string): Record<string, string> {
  const sub = `matrix-${column}-${randomUUID().slice(0, 8)}`;
  if (column === 'none') return {};
  if (column === 'basicScheme') return { authorization: 'Basic bWF0cml4OnNlY3JldA==' };
  if ((ROLES as string[]).includes(column)) return { authorization: `Bearer ${signToken(secret, { sub, name: 'Matrix', roles: [column as Role] })}` };
  if (column.endsWith('+iss+aud')) {
    const role = column.replace('+iss+aud', '') as Role;
    return { authorization: `Bearer ${signToken(secret, { sub, name: 'Matrix', roles: [role], issuer: ISSUER, audience: AUDIENCE })}` };
  }
  const strict = issuerAudienceTokens(secret, { issuer: ISSUER, audience: AUDIENCE });
  if (column in strict) return { authorization: `Bearer ${strict[column as keyof typeof strict]}` };
  return { authorization: `Bearer ${badTokens(secret, { issuer: ISSUER, audience: AUDIENCE })[column as (typeof BAD_KINDS)[number] & keyof ReturnType<typeof badTokens>]}` };
}

interface Cell {
  op: Operation;
  column: Column | StrictColumn;
  expected: number;
  actual?: number;
  body?: { code?: string; correlationId?: string };
}

async function runMatrix(operations: Operation[], columns: readonly (Column | StrictColumn)[], port?: number): Promise<Cell[]> {
  const secret = system().jwtSecret;
  const cells: Cell[] = operations.flatMap((op) => columns.map((column) => ({ op, column, expected: expected(MATRIX[op.key], column) })));
  await pool(cells, 8, async (cell) => {
    const row = MATRIX[cell.op.key];
    const params = row.params ?? [];
    const path = fillPath(cell.op.path, Array.from({ length: (cell.op.path.match(/\{/g) ?? []).length }, (_, i) => params[i] ?? unknown()));
    const response = await api(cell.op.method, path, { port, headers: headerFor(cell.column, secret), ...(row.body !== undefined ? { body: row.body } : {}) });
    cell.actual = response.status;
    cell.body = response.body;
  });
  return cells;
}

function print(title: string, operations: Operation[], columns: readonly string[], cells: Cell[]): void {
  const rows = operations.map((op) => [
    op.key,
    MATRIX[op.key].access === 'public' ? 'public' : [...(MATRIX[op.key].access as Role[]), 'admin'].join(','),
    ...columns.map((column) => {
      const cell = cells.find((c) => c.op === op && c.column === column)!;
      return cell.actual === cell.expected ? String(cell.actual) : `${cell.actual}≠${cell.expected}`;
    }),
  ]);
  console.log(`${title}\n${table(['operation', 'who', ...columns], rows)}`);
}

describe('authorization matrix', () => {
  let operations: Operation[];

  beforeAll(async () => {
    operations = await operationsOf();
  });

  it('has a row for every operation of the OpenAPI document, and none for operations that are gone', () => {
    const documented = operations.map((op) => op.key).sort();
    expect(documented.filter((key) => !MATRIX[key])).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !documented.includes(key))).toEqual([]);
    expect(documented.length).toBeGreaterThanOrEqual(20);
  });

  it('answers every operation × caller as specified (no token, bad tokens, each role)', async () => {
    const cells = await runMatrix(operations, COLUMNS);
    print(`authorization matrix: ${cells.length} requests (cell = status; "a≠e" = answered a, expected e)`, operations, COLUMNS, cells);
    expect(cells.filter((c) => c.actual !== c.expected).map((c) => `${c.op.key} × ${c.column}: ${c.actual} (expected ${c.expected}) ${JSON.stringify(c.body)}`)).toEqual([]);
    // Refusals say so in the error shape, with a correlation id.
    for (const cell of cells.filter((c) => c.expected === 401 || c.expected === 403)) {
      expect({ code: cell.body?.code, correlationId: typeof cell.body?.correlationId }).toEqual({
        code: cell.expected === 401 ? 'unauthenticated' : 'forbidden',
        correlationId: 'string',
      });
    }
  });

  it('checks issuer and audience when configured (a second gateway with JWT_ISSUER and JWT_AUDIENCE)', async () => {
    const sut = system();
    const port = await freePort();
    const gateway = startService(sut, 'gateway', port, { JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    try {
      await waitReady(port, 60_000);
      const cells = await runMatrix(operations, STRICT_COLUMNS, port);
      print(`authorization matrix, gateway with JWT_ISSUER=${ISSUER} JWT_AUDIENCE=${AUDIENCE}: ${cells.length} requests`, operations, STRICT_COLUMNS, cells);
      expect(cells.filter((c) => c.actual !== c.expected).map((c) => `${c.op.key} × ${c.column}: ${c.actual} (expected ${c.expected})`)).toEqual([]);
    } finally {
      await stopProcess(gateway.pid!);
    }
  });
});

/**
 * The services behind the gateway, called directly (as any process on their network could):
 * every route needs the gateway's signature over this call, and the role the gateway checks.
 * `roles` absent: any signed call, anonymous readers' included.
 */
const BACKEND: { service: 'articles' | 'comments' | 'moderation'; method: string; path: string; roles?: Role[] }[] = [
  { service: 'articles', method: 'POST', path: '/articles', roles: ['editor'] },
  { service: 'articles', method: 'GET', path: '/articles' },
  { service: 'articles', method: 'POST', path: '/articles/import', roles: ['editor'] },
  { service: 'articles', method: 'GET', path: '/articles/{id}' },
  { service: 'articles', method: 'PATCH', path: '/articles/{id}', roles: ['editor'] },
  { service: 'articles', method: 'DELETE', path: '/articles/{id}', roles: ['editor'] },
  { service: 'comments', method: 'GET', path: '/threads/{id}/comments' },
  { service: 'comments', method: 'POST', path: '/threads/{id}/comments', roles: WRITERS },
  { service: 'comments', method: 'POST', path: '/threads/{id}/comments/import', roles: ['admin'] },
  { service: 'comments', method: 'GET', path: '/comments/{id}' },
  { service: 'comments', method: 'PATCH', path: '/comments/{id}', roles: WRITERS },
  { service: 'comments', method: 'DELETE', path: '/comments/{id}', roles: WRITERS },
  { service: 'comments', method: 'GET', path: '/threads/{id}', roles: STAFF },
  { service: 'comments', method: 'POST', path: '/threads/{id}/close', roles: STAFF },
  { service: 'comments', method: 'POST', path: '/threads/{id}/reopen', roles: STAFF },
  { service: 'comments', method: 'POST', path: '/threads/{id}/archive', roles: STAFF },
  { service: 'moderation', method: 'GET', path: '/queue', roles: ['moderator'] },
  { service: 'moderation', method: 'GET', path: '/queue/counts', roles: ['moderator'] },
  { service: 'moderation', method: 'GET', path: '/queue/sections', roles: ['moderator'] },
  { service: 'moderation', method: 'GET', path: '/filter', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/filter/retrain', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/comments/{id}/decision', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/decisions', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/comments/{id}/override', roles: ['moderator'] },
  { service: 'moderation', method: 'GET', path: '/comments/{id}/history', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/comments/{id}/reports', roles: WRITERS },
  { service: 'moderation', method: 'GET', path: '/users/{id}', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/users/{id}/sanctions', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/users/{id}/notes', roles: ['moderator'] },
  { service: 'moderation', method: 'POST', path: '/warnings/{id}/acknowledge', roles: WRITERS },
  { service: 'comments', method: 'GET', path: '/readers/{id}/data', roles: WRITERS },
  { service: 'comments', method: 'POST', path: '/readers/{id}/erasure', roles: WRITERS },
  { service: 'comments', method: 'GET', path: '/erasures' },
  { service: 'moderation', method: 'DELETE', path: '/users/{id}/sanctions/{id}', roles: ['moderator'] },
];

const ADMIN: Actor = { id: 'matrix-admin', name: 'Matrix Admin', roles: ['admin'] };
const READER: Actor = { id: 'matrix-reader', name: 'Matrix Reader', roles: ['reader'] };

/** Each kind of direct caller: the headers it sends for `method path`, and whether it is refused (401) or judged by role. */
const DIRECT: Record<string, (secret: string, method: string, path: string) => Record<string, string>> = {
  none: () => ({}),
  // What every service trusted before calls were signed: an admin in plain headers.
  actorHeaders: () => ({ 'x-actor-id': 'intruder', 'x-actor-name': 'Intruder', 'x-actor-roles': 'admin' }),
  // Bad percent-encoding in an actor header was a 500.
  badEncoding: () => ({ 'x-actor-id': '%E0%A4%A', 'x-actor-name': '%', 'x-actor-roles': 'admin' }),
  forged: (_, method, path) => serviceAuthHeaders('not-the-secret-but-32-characters-long', method, path, ADMIN),
  expired: (secret, method, path) => serviceAuthHeaders(secret, method, path, ADMIN, -60),
  otherRoute: (secret) => serviceAuthHeaders(secret, 'GET', '/articles', ADMIN),
  reader: (secret, method, path) => serviceAuthHeaders(secret, method, path, READER),
  admin: (secret, method, path) => serviceAuthHeaders(secret, method, path, ADMIN),
};

describe('direct calls to the services behind the gateway', () => {
  it('refuses every route unsigned, forged, expired or signed for another call (401), and a reader on a staff route (403)', async () => {
    const sut = system();
    const columns = Object.keys(DIRECT);
    const cells = BACKEND.flatMap((route) => columns.map((column) => ({ route, column, expected: 0, actual: 0, code: '' as string | undefined })));
    await pool(cells, 8, async (cell) => {
      const { route, column } = cell;
      // An unknown id everywhere except a probe on GET /articles: no call changes anything.
      const path = route.path.replace(/\{id\}/g, () => unknown()) + (route.path === '/articles' && route.method === 'GET' ? '?limit=1' : '');
      const headers: Record<string, string> = { ...DIRECT[column](sut.serviceAuthSecret, route.method, path) };
      const hasBody = route.method === 'POST' || route.method === 'PATCH';
      if (hasBody) headers['content-type'] = 'application/json';
      const response = await fetch(`http://127.0.0.1:${sut.ports[route.service]}${path}`, { method: route.method, headers, body: hasBody ? '{}' : undefined });
      const body = (await response.json().catch(() => ({}))) as { code?: string };
      cell.actual = response.status;
      cell.code = body.code;
      const judgedByRole = column === 'reader' || column === 'admin';
      cell.expected = !judgedByRole ? 401 : column === 'reader' && route.roles && !route.roles.includes('reader') ? 403 : 0;
    });
    // 0 = let through: whatever the probe gets past the guard (400 for an empty body, 404 for an unknown id, 200), never 401/403/5xx.
    const ok = (cell: (typeof cells)[number]) => (cell.expected ? cell.actual === cell.expected : cell.actual < 500 && cell.actual !== 401 && cell.actual !== 403);
    const rows = BACKEND.map((route) => [
      `${route.service} ${route.method} ${route.path}`,
      route.roles ? [...new Set([...route.roles, 'admin'])].join(',') : 'signed',
      ...columns.map((column) => {
        const cell = cells.find((c) => c.route === route && c.column === column)!;
        return ok(cell) ? String(cell.actual) : `${cell.actual}≠${cell.expected || 'pass'}`;
      }),
    ]);
    console.log(`direct calls to the services: ${cells.length} requests (cell = status)\n${table(['route', 'who', ...columns], rows)}`);
    expect(cells.filter((c) => !ok(c)).map((c) => `${c.route.service} ${c.route.method} ${c.route.path} × ${c.column}: ${c.actual}`)).toEqual([]);
    for (const cell of cells.filter((c) => c.expected)) expect(cell.code).toBe(cell.expected === 401 ? 'unsigned_call' : 'forbidden');
  });

  it('answers health and metrics unsigned (the operators\' endpoints)', async () => {
    const sut = system();
    for (const service of ['articles', 'comments', 'moderation'] as const) {
      expect((await fetch(`http://127.0.0.1:${sut.ports[service]}/health/live`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${sut.ports[service]}/metrics`)).status).toBe(200);
    }
  });
});

describe('reader isolation', () => {
  // Verdicts travel by events through two services: generous on a busy box, still bounded.
  const SLOW = { timeoutMs: 60_000, intervalMs: 250 };

  const reader = () => {
    const sub = `iso-${randomUUID().slice(0, 8)}`;
    return { sub, token: tokenFor({ sub, name: `Reader ${sub}`, roles: ['reader'] }) };
  };

  async function publishStory(overrides: Record<string, unknown> = {}): Promise<string> {
    const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput(overrides) });
    expect(response.status).toBe(201);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${response.body.id}/comments`)).status).toBe(200), SLOW);
    return response.body.id as string;
  }

  // What an intruder could change (status moves on by itself: pending → held/rejected by events).
  const stored = (id: string) =>
    withDatabase('comments', (db) =>
      db.collection('comments').findOne({ _id: id as never }, { projection: { _id: 1, author: 1, body: 1, revision: 1, editedAt: 1, placeholder: 1, parentId: 1 } }),
    );

  /** Another reader can neither see, edit nor delete the comment; nothing about it changes. */
  async function expectUntouchable(commentId: string, other: { token: string }) {
    const before = await stored(commentId);
    expect(before).not.toBeNull();
    expect((await api('GET', `/api/v1/comments/${commentId}`, { token: other.token })).status).toBe(404);
    expect((await api('GET', `/api/v1/comments/${commentId}`)).status).toBe(404);
    expect((await api('PATCH', `/api/v1/comments/${commentId}`, { token: other.token, body: { body: 'hijacked' } })).status).toBe(403);
    expect((await api('DELETE', `/api/v1/comments/${commentId}`, { token: other.token })).status).toBe(403);
    expect(await stored(commentId)).toEqual(before);
  }

  it("never shows another reader's held (pre-moderated) comment, nor lets them edit or delete it", async () => {
    const story = await publishStory({ commentPolicy: { preModeration: true } });
    const ann = reader();
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: ann.token, body: { body: 'Waiting for a moderator.' } });
    expect(posted.status).toBe(202);
    // Right after posting (pending) and once held: the author sees it, nobody else does.
    await expectUntouchable(posted.body.id, reader());
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`, { token: ann.token })).body.status).toBe('held'), SLOW);
    await expectUntouchable(posted.body.id, reader());
  });

  it("never shows another reader's rejected comment, nor lets them edit or delete it", async () => {
    const story = await publishStory();
    const ann = reader();
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: ann.token, body: { body: 'f u c k this council' } });
    expect(posted.status).toBe(202);
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`, { token: ann.token })).body.status).toBe('rejected'), SLOW);
    await expectUntouchable(posted.body.id, reader());
  });

  it("lets a reader read an approved comment of another, but not edit or delete it", async () => {
    const story = await publishStory();
    const ann = reader();
    const bob = reader();
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: ann.token, body: { body: 'A civil remark.' } });
    await eventually(async () => expect((await api('GET', `/api/v1/comments/${posted.body.id}`)).body.status).toBe('approved'), SLOW);
    const before = await stored(posted.body.id);
    expect((await api('PATCH', `/api/v1/comments/${posted.body.id}`, { token: bob.token, body: { body: 'hijacked' } })).status).toBe(403);
    expect((await api('DELETE', `/api/v1/comments/${posted.body.id}`, { token: bob.token })).status).toBe(403);
    expect(await stored(posted.body.id)).toEqual(before);
  });

  it('keeps a reader out of every /moderation route, with real ids too', async () => {
    const story = await publishStory();
    const ann = reader();
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: ann.token, body: { body: 'Something to moderate.' } });
    const moderationOps = (await operationsOf()).filter((op) => op.path.startsWith('/api/v1/moderation'));
    expect(moderationOps.length).toBeGreaterThanOrEqual(7);
    const bodies: Record<string, unknown> = {
      'POST /api/v1/moderation/comments/{id}/decision': { decision: 'approve', reason: 'looks fine to me' },
      'POST /api/v1/moderation/decisions': { decisions: [{ commentId: posted.body.id, decision: 'approve', reason: 'fine' }] },
      'POST /api/v1/moderation/comments/{id}/override': { decision: 'reject', reason: 'I do not like it', decisionSeq: 1 },
      'POST /api/v1/moderation/users/{id}/sanctions': { kind: 'ban', reason: 'I do not like them' },
      'POST /api/v1/moderation/users/{id}/notes': { text: 'a reader writing notes about a reader' },
    };
    const statuses: Record<string, number> = {};
    for (const op of moderationOps) {
      const params = op.path.includes('/users/') ? [ann.sub, randomUUID()] : [posted.body.id];
      const response = await api(op.method, fillPath(op.path, params), { token: reader().token, ...(bodies[op.key] ? { body: bodies[op.key] } : {}) });
      statuses[op.key] = response.status;
    }
    expect(Object.values(statuses).every((s) => s === 403)).toBe(true);
    console.log(`a reader on /moderation with real ids:\n${table(['operation', 'status'], Object.entries(statuses))}`);
    const sanctions = await withDatabase('moderation', async (db) => {
      const names = (await db.listCollections().toArray()).map((c) => c.name);
      return names.includes('sanctions') ? db.collection('sanctions').countDocuments({ userId: ann.sub }) : 0;
    });
    expect(sanctions).toBe(0);
  });
});
