'use strict';
// The benchmark's scenarios. Each returns a plain object (it goes to the JSON file as is).
const { call, expect } = require('./lib/api');
const { cleanBody } = require('./lib/bodies');
const { DecisionWatcher } = require('./lib/decisions');
const { runLoad } = require('./lib/load');
const { VisibilityProbe } = require('./lib/probe');
const { summarize } = require('./lib/stats');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** A thread read: `hotShare` of them a page of the hot thread (a random one of its pages), the rest the first page of a random story. */
function threadRead(ctx, hotShare) {
  const { stories, hotCursors } = ctx.seed;
  return () => {
    if (Math.random() < hotShare) {
      const cursor = pick(hotCursors);
      return { method: 'GET', path: `/api/v1/articles/${stories.hot}/comments${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}` };
    }
    return { method: 'GET', path: `/api/v1/articles/${pick(stories.spread)}/comments` };
  };
}

/** A reader's post: a clean unique body, the next reader's token and address. */
function post(ctx, chooseStory, tag) {
  const { readers } = ctx.seed;
  let n = 0;
  return () => {
    const reader = readers[n++ % readers.length];
    return {
      method: 'POST',
      path: `/api/v1/articles/${chooseStory()}/comments`,
      headers: { authorization: `Bearer ${reader.token}`, 'x-forwarded-for': reader.xff, 'content-type': 'application/json' },
      body: JSON.stringify({ body: cleanBody(tag) }),
    };
  };
}

function probe(ctx) {
  const probe = new VisibilityProbe({
    gateways: ctx.run.gateways,
    threads: ctx.seed.stories.probe.slice(ctx.probeThreadsUsed),
    readers: ctx.seed.readers,
    intervalMs: ctx.opts.probeIntervalMs,
    boundMs: ctx.opts.visibleBoundSeconds * 1000,
  });
  const stop = probe.stop.bind(probe);
  probe.stop = async () => {
    const result = await stop();
    ctx.probeThreadsUsed += probe.nextThread + 1;
    return result;
  };
  return probe;
}

const withAccepted = (load) => ({ ...load, accepted: load.statuses['202'] ?? 0, acceptedPerSecond: Math.round(((load.statuses['202'] ?? 0) / load.seconds) * 10) / 10 });

async function reads(ctx) {
  const load = await runLoad({ label: 'thread reads', gateways: ctx.run.gateways, connections: ctx.opts.connections, duration: ctx.opts.duration, build: threadRead(ctx, 0.2) });
  return { description: 'thread reads: 80% first page of a random story, 20% a random page of the hot thread (500 comments)', loads: [load] };
}

async function writes(ctx) {
  const p = probe(ctx);
  p.start();
  const load = await runLoad({
    label: 'posts',
    gateways: ctx.run.gateways,
    connections: ctx.opts.connections,
    duration: ctx.opts.duration,
    build: post(ctx, () => pick(ctx.seed.stories.spread), 'writes'),
  });
  const visibility = await p.stop();
  return { description: 'readers posting clean comments (auto-approved) across stories; probe comments measure submit -> visible', loads: [withAccepted(load)], visibility };
}

async function mixed(ctx) {
  const { stories } = ctx.seed;
  const half = Math.max(1, Math.round(ctx.opts.connections / 2));
  const p = probe(ctx);
  p.start();
  const [readLoad, writeLoad] = await Promise.all([
    runLoad({ label: 'thread reads', gateways: ctx.run.gateways, connections: half, duration: ctx.opts.duration, build: threadRead(ctx, 0.5) }),
    runLoad({
      label: 'posts',
      gateways: ctx.run.gateways,
      connections: half,
      duration: ctx.opts.duration,
      build: post(ctx, () => (Math.random() < 0.5 ? stories.hot : pick(stories.spread)), 'mixed'),
    }),
  ]);
  const visibility = await p.stop();
  return {
    description: 'reads and posts at once, the viral story: half of the reads and half of the posts on the hot thread, the rest spread',
    loads: [readLoad, withAccepted(writeLoad)],
    visibility,
  };
}

/** Reads every page of a thread; the ids in it, in order. */
async function readWholeThread(base, articleId) {
  const ids = [];
  let cursor = null;
  do {
    const page = await expect([200], base, 'GET', `/api/v1/articles/${articleId}/comments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const c of page.body.comments) ids.push(c.id);
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

async function burst(ctx) {
  const { opts, run, seed } = ctx;
  let sustainable = opts.sustainableRate ?? ctx.results.writes?.loads[0].acceptedPerSecond;
  let measuredFirst = null;
  if (!sustainable) {
    // No writes scenario ran: measure the sustainable rate briefly first.
    measuredFirst = withAccepted(
      await runLoad({ label: 'posts (to find the sustainable rate)', gateways: run.gateways, connections: opts.connections, duration: opts.quick ? 3 : 10, build: post(ctx, () => pick(seed.stories.spread), 'writes') }),
    );
    sustainable = measuredFirst.acceptedPerSecond;
  }
  sustainable = Math.max(1, sustainable);
  const rate = Math.round(sustainable * 10);
  const connections = Math.min(1000, Math.max(opts.connections, Math.ceil(rate / 20)));
  const watcher = new DecisionWatcher({ brokers: run.kafkaBrokers, topicPrefix: run.topicPrefix });
  await watcher.start();
  const accepted = [];
  let load;
  let drain;
  try {
    const startedAt = Date.now();
    load = withAccepted(
      await runLoad({
        label: `posts at 10x ${sustainable}/s`,
        gateways: run.gateways,
        connections,
        // rate x seconds requests, every answer awaited (an accepted comment must not go unseen);
        // the duration only bounds a system that cannot keep up at all.
        amount: rate * opts.burstSeconds,
        duration: opts.burstSeconds + 60,
        overallRate: rate,
        build: post(ctx, () => pick(seed.stories.burst), 'burst'),
        onResponse: (status, body) => {
          if (status === 202) accepted.push(JSON.parse(body).id);
        },
      }),
    );
    // The drain is measured from when the burst was meant to end (start + its seconds), not from
    // when its last answer came in: slow answers must not shorten the drain.
    const loadEndedAt = Date.now();
    const endedAt = startedAt + opts.burstSeconds * 1000;
    const deadline = loadEndedAt + opts.drainBoundSeconds * 1000;
    while (watcher.appliedCount(accepted) < accepted.length && Date.now() < deadline) await sleep(200);
    const waitedSeconds = (Date.now() - loadEndedAt) / 1000;
    await sleep(1000); // late duplicates, if any, get a moment to show up
    const verdict = watcher.report(accepted);
    const drained = verdict.applied === accepted.length;
    drain = {
      boundSeconds: opts.drainBoundSeconds,
      drained,
      // From the end of the burst to the last accepted comment's decision applied (its comment.* event's timestamp).
      drainSeconds: drained ? Math.max(0, Math.round((verdict.lastAppliedAt - endedAt) / 100) / 10) : null,
      // How long the last answer of the burst came after its scheduled end, and how long we then waited.
      lastAnswerAfterEndSeconds: Math.round((loadEndedAt - endedAt) / 100) / 10,
      waitedSeconds: Math.round(waitedSeconds * 10) / 10,
      ...verdict,
    };
  } finally {
    await watcher.stop();
  }
  // Every accepted comment in its thread exactly once, read back through the public API.
  const acceptedSet = new Set(accepted);
  const seen = new Map();
  for (const articleId of seed.stories.burst) {
    for (const id of await readWholeThread(run.gateways[0], articleId)) if (acceptedSet.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  const visible = { inThreads: seen.size, missing: accepted.length - seen.size, duplicated: [...seen.values()].filter((n) => n > 1).length };
  return {
    description: '10x the sustainable post rate, then the backlog drains; each accepted comment decided exactly once (moderation.decided on the run\'s topic) and in its thread exactly once',
    sustainableRate: sustainable,
    requestedRate: rate,
    ...(measuredFirst ? { sustainableMeasured: measuredFirst } : {}),
    loads: [load],
    drain,
    visible,
  };
}

/**
 * Reads a thread page by page, following nextCursor, until `pages` pages are read (starting over
 * at the end of the thread) or `budgetMs` is spent; per-page latencies.
 */
async function pageThrough(base, articleId, limit, pages, budgetMs = Infinity) {
  const latencies = [];
  const deadline = performance.now() + budgetMs;
  let cursor = null;
  while (latencies.length < pages && performance.now() < deadline) {
    const page = await expect([200], base, 'GET', `/api/v1/articles/${articleId}/comments?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    latencies.push(page.ms);
    cursor = page.body.nextCursor;
  }
  return latencies;
}

async function pages(ctx) {
  const { run, seed, opts } = ctx;
  const base = run.gateways[0];
  const limit = 50;
  const bigPages = Math.ceil(opts.plan.bigThread / limit);
  // Both warmed with a few pages, then one pass over the big thread (bounded in time: on a slow
  // system it stops early and says so), then as many pages of the small thread.
  await pageThrough(base, seed.stories.small, limit, 3);
  await pageThrough(base, seed.stories.big, limit, 3);
  const big = await pageThrough(base, seed.stories.big, limit, bigPages, Math.max(60, opts.duration * 3) * 1000);
  const small = await pageThrough(base, seed.stories.small, limit, big.length);
  return {
    description: `one client reads the ${opts.plan.bigThread}-comment thread and the ${opts.plan.smallThread}-comment thread page by page (limit ${limit}, following nextCursor), the same number of pages each`,
    limit,
    big: { comments: opts.plan.bigThread, pages: big.length, wholeThread: big.length === bigPages, latencyMs: summarize(big) },
    small: { comments: opts.plan.smallThread, pages: small.length, latencyMs: summarize(small) },
  };
}

module.exports = { reads, writes, mixed, burst, pages, readWholeThread, call };
