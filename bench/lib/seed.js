'use strict';
// Seeds the system through its public API only: editors publish stories, an admin imports
// comments into the hot thread and the paging threads, and every thread is read back open.
const { randomUUID } = require('node:crypto');
const { call, expect, token, pool } = require('./api');
const { cleanBody } = require('./bodies');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function articleInput(runId, kind, i) {
  return {
    title: `Council weighs the ${kind} budget, part ${i} (${runId})`,
    slug: `bench-${runId}-${kind}-${i}`,
    byline: 'Christine Stuart',
    categories: ['Election 2015', 'Hartford'],
    tags: ['Hartford', 'Malloy'],
    photoCredits: [{ name: 'Christine Stuart' }],
    body: 'It’s not everything the city of Hartford wanted, but after an emergency meeting the state committed resources.',
    publishedAt: new Date(Date.now() - 60_000).toISOString(),
  };
}

/** Waits until a thread answers 200 (the comments service opened it from article.published). */
async function waitThreadOpen(base, articleId, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await call(base, 'GET', `/api/v1/articles/${articleId}/comments?limit=1`);
    if (last.status === 200) return;
    await sleep(200);
  }
  throw new Error(`thread ${articleId} not open after ${timeoutMs} ms (last answer ${last?.status})`);
}

/**
 * Imports `count` comments in batches. An import is idempotent (by externalId), so a batch the
 * gateway gave up on (503 after its upstream timeout; the import may still be running) is sent again.
 */
async function importComments(base, adminToken, articleId, count, prefix, batchSize = 250) {
  for (let start = 0; start < count; start += batchSize) {
    const comments = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      comments.push({
        externalId: `${prefix}-${i}`,
        authorName: `Imported Reader ${i % 97}`,
        postedAt: new Date(Date.now() - (count - i) * 1000).toISOString(),
        body: cleanBody('imported'),
      });
    }
    for (let attempt = 0; ; attempt++) {
      const result = await call(base, 'POST', `/api/v1/articles/${articleId}/comments/import`, { token: adminToken, body: { comments }, timeoutMs: 120_000 }).catch(
        (error) => ({ status: 0, body: error.message }), // connection closed under the request: idempotent, sent again
      );
      if (result.status === 200 || result.status === 201) break;
      if ((result.status > 0 && result.status < 500) || attempt >= 10) throw new Error(`import into ${articleId} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`);
      await sleep(1000);
    }
  }
}

/** Every page of a thread, following nextCursor: the cursors that start each page (null = first). */
async function pageCursors(base, articleId, limit) {
  const cursors = [null];
  let cursor = null;
  for (;;) {
    const q = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await expect([200], base, 'GET', `/api/v1/articles/${articleId}/comments?${q}`);
    cursor = page.body.nextCursor;
    if (!cursor) return cursors;
    cursors.push(cursor);
  }
}

/**
 * plan: { stories, hotComments, probeStories, burstStories, bigThread, smallThread, readers }.
 * Returns what the scenarios need: story ids by role, tokens, hot-thread page cursors.
 */
async function seed(run, plan, log) {
  const base = run.gateways[0];
  const editor = token(run.jwtSecret, `bench-editor-${run.runId}`, 'Bench Editor', ['editor']);
  const admin = token(run.jwtSecret, `bench-admin-${run.runId}`, 'Bench Admin', ['admin']);
  const readers = Array.from({ length: plan.readers }, (_, i) => ({
    token: token(run.jwtSecret, `bench-reader-${run.runId}-${i}`, `Reader ${i}`, ['reader']),
    // Each reader its own client address (TRUST_PROXY=true on the gateways we start).
    xff: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }));
  const kinds = [
    ['spread', plan.stories],
    ['hot', 1],
    ['probe', plan.probeStories],
    ['burst', plan.burstStories],
    ['big', plan.bigThread ? 1 : 0],
    ['small', plan.smallThread ? 1 : 0],
  ];
  const jobs = kinds.flatMap(([kind, n]) => Array.from({ length: n }, (_, i) => ({ kind, i })));
  let t = Date.now();
  // Publishing is slow on FerretDB and slower when crowded: a few at a time. A 503 (the gateway
  // gave up waiting) may still have published: retry under a new slug, the orphan stays unused.
  const published = await pool(jobs, 6, async ({ kind, i }) => {
    for (let attempt = 0; ; attempt++) {
      const result = await call(base, 'POST', '/api/v1/articles', { token: editor, body: articleInput(run.runId, kind, attempt ? `${i}-retry-${attempt}` : i) }).catch(
        (error) => ({ status: 0, body: error.message }), // connection closed under the request: retried like a 503
      );
      if (result.status === 201) return { kind, id: result.body.id };
      if ((result.status > 0 && result.status < 500) || attempt >= 4) throw new Error(`POST /api/v1/articles answered ${result.status}: ${JSON.stringify(result.body).slice(0, 300)}`);
      await sleep(500 * (attempt + 1));
    }
  });
  const ids = (kind) => published.filter((p) => p.kind === kind).map((p) => p.id);
  const stories = { spread: ids('spread'), hot: ids('hot')[0], probe: ids('probe'), burst: ids('burst'), big: ids('big')[0], small: ids('small')[0] };
  log(`published ${published.length} stories in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  t = Date.now();
  await pool(published, 16, ({ id }) => waitThreadOpen(base, id, 120_000));
  log(`all ${published.length} threads open after ${((Date.now() - t) / 1000).toFixed(1)} s`);

  t = Date.now();
  await Promise.all([
    importComments(base, admin, stories.hot, plan.hotComments, 'hot'),
    stories.big && importComments(base, admin, stories.big, plan.bigThread, 'big'),
    stories.small && importComments(base, admin, stories.small, plan.smallThread, 'small'),
  ]);
  log(`imported ${plan.hotComments + plan.bigThread + plan.smallThread} comments in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  // Moderation learns of stories from article.published on its own: a clean comment on a story it
  // does not know yet is held (rule unknown_story). Wait until it approves one on a few stories.
  t = Date.now();
  const warm = [...new Set([stories.spread.at(-1), stories.probe.at(-1), stories.burst.at(-1), stories.hot].filter(Boolean))];
  await pool(warm, warm.length, async (articleId, k) => {
    const reader = readers[k % readers.length];
    const posted = await expect([202], base, 'POST', `/api/v1/articles/${articleId}/comments`, { token: reader.token, xff: reader.xff, body: { body: cleanBody('warmup') } });
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const seen = await call(base, 'GET', `/api/v1/comments/${posted.body.id}`, { token: reader.token });
      if (seen.status === 200 && seen.body.status && seen.body.status !== 'pending') {
        if (seen.body.status !== 'approved') throw new Error(`warm-up comment ${posted.body.id} was ${seen.body.status}: ${JSON.stringify(seen.body).slice(0, 300)}`);
        return;
      }
      await sleep(100);
    }
    throw new Error(`warm-up comment ${posted.body.id} not decided after 120 s`);
  });
  log(`moderation approves clean comments (warm-up ${((Date.now() - t) / 1000).toFixed(1)} s)`);

  const hotCursors = await pageCursors(base, stories.hot, 50);
  return { stories, readers, editor, admin, hotCursors, id: randomUUID() };
}

module.exports = { seed, pageCursors };
