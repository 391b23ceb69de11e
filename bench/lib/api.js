'use strict';
// A small client for the gateway's public API (seeding, probes, verification), on undici.
const { Agent, request } = require('undici');
const jwt = require('jsonwebtoken');

// Idle connections are dropped after 10 s: the services close a connection idle for 30 s
// (Fastify connectionTimeout), and one reused right then fails with "other side closed".
const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 10_000, pipelining: 1 });

/**
 * One call; resolves to { status, body (parsed JSON or text), ms, at (when the answer was complete) }.
 * A GET whose kept-alive connection the server closed under it is sent once more (idempotent);
 * other methods throw, and their callers decide whether a retry is safe.
 */
async function call(base, method, path, options = {}) {
  try {
    return await once(base, method, path, options);
  } catch (error) {
    if (method !== 'GET') throw error;
    return once(base, method, path, options);
  }
}

async function once(base, method, path, { token, body, xff, timeoutMs = 30_000 } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (xff) headers['x-forwarded-for'] = xff;
  const started = performance.now();
  const response = await request(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher: agent,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await response.body.text();
  const at = performance.now();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, body: parsed, ms: at - started, at };
}

/** Like call, but throws unless the status is one of `ok`. */
async function expect(ok, base, method, path, options) {
  const result = await call(base, method, path, options);
  if (!ok.includes(result.status)) {
    throw new Error(`${method} ${path} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`);
  }
  return result;
}

/** A token as the news site's login would issue it (HS256 with the run's secret). */
const token = (secret, sub, name, roles, ttlSeconds = 6 * 3600) => jwt.sign({ sub, name, roles }, secret, { algorithm: 'HS256', expiresIn: ttlSeconds });

/** Runs `fn` over `items` with at most `concurrency` at once. */
async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

const close = () => agent.close();

module.exports = { call, expect, token, pool, close };
