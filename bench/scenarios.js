'use strict';
// The benchmark's scenarios. Each returns a plain object (it goes to the JSON file as is).
const { call, expect } = require('./lib/api');
const { cleanBody } = require('./lib/bodies');
const { DecisionWatcher, waitForConsumers } = require('./lib/decisions');
const { runLoad } = require('./lib/load');
const { VisibilityProbe } = require('./lib/probe');
const { processedReport } = require('./lib/processed');
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

/**
 * Posts under `watcher` (it reads the run's comments.events from before the load on):
 * every 202 is kept with when it was sent and accepted, and each is processed when its final
 * event (comment.approved/held/rejected) is out. After the load, waits (bounded) for the backlog
 * to drain, so the scenario's CPU and database figures include the work its posts caused.
 */
async function postsProcessed(ctx, watcher, { label, connections, chooseStory, tag, during = [] }) {
  const { run, opts } = ctx;
  const accepted = [];
  const loadStart = Date.now();
  const [load] = await Promise.all([
    runLoad({
      label,
      gateways: run.gateways,
      connections,
      duration: opts.duration,
      build: post(ctx, chooseStory, tag),
      onResponse: (status, body, _g, latencyMs) => {
        if (status !== 202) return;
        const now = Date.now();
        accepted.push({ id: JSON.parse(body).id, sentAt: now - latencyMs, acceptedAt: now });
      },
    }),
    ...during.map((start) => start()),
  ]);
  const loadEnd = loadStart + Math.round(load.seconds * 1000);
  const deadline = Date.now() + opts.writesDrainBoundSeconds * 1000;
  while (watcher.appliedCount(accepted.map((a) => a.id)) < accepted.length && Date.now() < deadline) await sleep(200);
  // Computed once the scenario's wait for the consumers is over too (final events that came late still count, at their time).
  const report = () => ({
    ...processedReport({ accepted, finalAt: (id) => watcher.finalAt(id), loadStart, loadEnd }),
    drainBoundSeconds: opts.writesDrainBoundSeconds,
    watcherLagP99Ms: watcher.readerLagMs(accepted.map((a) => a.id)),
  });
  return { load: withAccepted(load), report };
}

/**
 * Runs `body(watcher)` under a DecisionWatcher, then waits (bounded) until the services' consumers
 * have handled everything (the probes' comments and the posts whose 202 never came back included),
 * so the scenario's CPU and commands and its count of processed comments cover the same comments.
 */
async function underWatcher(ctx, body) {
  const { run, opts } = ctx;
  const watcher = new DecisionWatcher({ brokers: run.kafkaBrokers, topicPrefix: run.topicPrefix });
  await watcher.start();
  try {
    const { report, ...result } = await body(watcher);
    let lagAtEnd;
    if (run.started) {
      const groups = ['articles', 'comments', 'moderation'].map((s) => `${s}-bench-${run.runId}`);
      lagAtEnd = await waitForConsumers(run.kafkaBrokers, groups, opts.writesDrainBoundSeconds * 1000);
      await sleep(500); // the last final events reach the watcher
    }
    // allFinalEvents: every comment whose final event came during the scenario, the denominator of the per-comment costs.
    result.processed = { ...report(), lagAtEnd, allFinalEvents: watcher.applied.size };
    return result;
  } finally {
    await watcher.stop();
  }
}

async function writesTo(ctx, chooseStory, tag, description) {
  return underWatcher(ctx, async (watcher) => {
    const p = probe(ctx);
    p.start();
    let posts;
    let visibility;
    try {
      posts = await postsProcessed(ctx, watcher, { label: 'posts', connections: ctx.opts.connections, chooseStory, tag });
    } finally {
      visibility = await p.stop();
    }
    return { description, loads: [posts.load], report: posts.report, visibility };
  });
}

/** `writes`: posts spread over 50 stories (50 partitions' worth of threads, the consumers' keys spread). */
async function writes(ctx) {
  const spread = ctx.seed.stories.spread.slice(0, 50);
  return writesTo(ctx, () => pick(spread), 'writes', `readers posting clean comments (auto-approved) spread over ${spread.length} stories; probe comments measure submit -> visible`);
}

/** `writes-one`: every post to one story, so one partition of each topic carries all of them. */
async function writesOne(ctx) {
  const story = ctx.seed.stories.spread[0];
  return writesTo(ctx, () => story, 'writes', 'readers posting clean comments (auto-approved), all to one story (one partition); probe comments measure submit -> visible');
}

async function mixed(ctx) {
  const { stories } = ctx.seed;
  const half = Math.max(1, Math.round(ctx.opts.connections / 2));
  return underWatcher(ctx, async (watcher) => {
    const p = probe(ctx);
    p.start();
    let readLoad;
    let posts;
    let visibility;
    try {
      posts = await postsProcessed(ctx, watcher, {
        label: 'posts',
        connections: half,
        chooseStory: () => (Math.random() < 0.5 ? stories.hot : pick(stories.spread)),
        tag: 'mixed',
        during: [async () => (readLoad = await runLoad({ label: 'thread reads', gateways: ctx.run.gateways, connections: half, duration: ctx.opts.duration, build: threadRead(ctx, 0.5) }))],
      });
    } finally {
      visibility = await p.stop();
    }
    return {
      description: 'reads and posts at once, the viral story: half of the reads and half of the posts on the hot thread, the rest spread',
      loads: [readLoad, posts.load],
      report: posts.report,
      visibility,
    };
  });
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
  // The sustained rate is what the system processed, not what it accepted (the 202 can run ahead).
  let sustainable = opts.sustainableRate ?? ctx.results.writes?.processed.processedPerSecond;
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
  // Enough connections to offer the rate while each post waits up to half a second (the system
  // slows under the burst; too few connections would cap the offered rate, not the system).
  const connections = Math.min(1000, Math.max(opts.connections, Math.ceil(rate / 2)));
  const watcher = new DecisionWatcher({ brokers: run.kafkaBrokers, topicPrefix: run.topicPrefix });
  await watcher.start();
  const accepted = [];
  const acceptedAt = [];
  let load;
  let drain;
  let processed;
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
        onResponse: (status, body, _g, latencyMs) => {
          if (status !== 202) return;
          const now = Date.now();
          const id = JSON.parse(body).id;
          accepted.push(id);
          acceptedAt.push({ id, sentAt: now - latencyMs, acceptedAt: now });
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
    processed = processedReport({ accepted: acceptedAt, finalAt: (id) => watcher.finalAt(id), loadStart: startedAt, loadEnd: endedAt });
    processed.drainBoundSeconds = opts.drainBoundSeconds;
    processed.watcherLagP99Ms = watcher.readerLagMs(accepted);
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
    processed,
    visible,
  };
}

/**
 * Reads a thread page by page, following nextCursor, until `pages` pages are read (starting over
 * at the end of the thread) or `budgetMs` is spent; per-page latencies. `limitOf(i)` is the
 * limit of the i-th read.
 */
async function pageThrough(base, articleId, limitOf, pages, budgetMs = Infinity) {
  const latencies = [];
  const deadline = performance.now() + budgetMs;
  let cursor = null;
  while (latencies.length < pages && performance.now() < deadline) {
    const limit = limitOf(latencies.length);
    const page = await expect([200], base, 'GET', `/api/v1/articles/${articleId}/comments?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    latencies.push(page.ms);
    cursor = page.body.nextCursor;
  }
  return latencies;
}

/**
 * Both threads read page by page, compared at equal cache state, since a page the gateway holds
 * is answered without the comments service whatever the thread's size:
 * - cold: every read a page the gateway has not cached, answered by the comments service's read
 *   model. The big thread: one pass, each page read once. The small thread has one page of 50,
 *   so it is read with limits 51..100 (each a page the gateway has not seen, each all 50 comments).
 * - warm: the same pages again, from the gateway's cache.
 */
async function pages(ctx) {
  const { run, seed, opts } = ctx;
  const base = run.gateways[0];
  const limit = 50;
  const bigPages = Math.ceil(opts.plan.bigThread / limit);
  const fixed = () => limit;
  // Warm-up: both read models loaded (the first read of a story loads it), a few pages each.
  await pageThrough(base, seed.stories.small, fixed, 3);
  await pageThrough(base, seed.stories.big, fixed, 3);
  const budgetMs = Math.max(60, opts.duration * 3) * 1000;
  const bigCold = await pageThrough(base, seed.stories.big, fixed, bigPages, budgetMs);
  const bigWarm = await pageThrough(base, seed.stories.big, fixed, bigCold.length, budgetMs);
  const smallCold = await pageThrough(base, seed.stories.small, (i) => 51 + (i % 50), Math.min(50, bigCold.length));
  const smallWarm = await pageThrough(base, seed.stories.small, fixed, bigCold.length);
  return {
    description: `one client reads the ${opts.plan.bigThread}-comment thread and the ${opts.plan.smallThread}-comment thread page by page (limit ${limit}, following nextCursor): cold (pages the gateway has not cached) and warm (cached)`,
    limit,
    big: { comments: opts.plan.bigThread, pages: bigCold.length, wholeThread: bigCold.length === bigPages, latencyMs: summarize(bigCold), warmLatencyMs: summarize(bigWarm) },
    small: { comments: opts.plan.smallThread, pages: smallCold.length, latencyMs: summarize(smallCold), warmPages: smallWarm.length, warmLatencyMs: summarize(smallWarm) },
  };
}

/**
 * Idle live streams one gateway holds (each its own TCP connection, like one reader each) and
 * the fan-out latency from comment.approved (the approval's time, carried in the event) to each
 * stream receiving it. Needs a file-descriptor limit above the streams (`ulimit -n`).
 */
async function sse(ctx) {
  const http = require('node:http');
  const { run, seed, opts } = ctx;
  const url = new URL(run.gateways[0]);
  const target = opts.quick ? 2_000 : 10_000;
  const story = seed.stories.spread[0];
  const latencies = [];
  const sockets = [];
  let open = 0;
  let refused = 0;
  const t0 = performance.now();
  const connect = () =>
    new Promise((resolve) => {
      const req = http.get({ host: url.hostname, port: url.port, path: `/api/v1/articles/${story}/live`, agent: false }, (res) => {
        if (res.statusCode !== 200) {
          refused += 1;
          res.resume();
          return resolve();
        }
        open += 1;
        sockets.push(req);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!frame.includes('event: comment')) continue;
            const data = JSON.parse(/data: (.*)/.exec(frame)[1]);
            if (data.approvedAt) latencies.push(Date.now() - Date.parse(data.approvedAt));
          }
        });
        resolve();
      });
      req.on('error', () => ((refused += 1), resolve()));
    });
  for (let i = 0; i < target; i += 200) await Promise.all(Array.from({ length: Math.min(200, target - i) }, connect));
  const openSeconds = (performance.now() - t0) / 1000;
  const rss = process.memoryUsage().rss;
  await sleep(1000);
  const posts = opts.quick ? 5 : 20;
  for (let i = 0; i < posts; i++) {
    const reader = seed.readers[i % seed.readers.length];
    await call(run.gateways[0], 'POST', `/api/v1/articles/${story}/comments`, { token: reader.token, xff: reader.xff, body: { body: cleanBody('sse') } });
    await sleep(500);
  }
  const deadline = Date.now() + 20_000;
  while (latencies.length < posts * open && Date.now() < deadline) await sleep(200);
  for (const req of sockets) req.destroy();
  return {
    description: `${target} idle SSE clients on one story of one gateway, then ${posts} comments approved by the rules; latency from the approval to each client`,
    clientsAsked: target,
    clientsHeld: open,
    refused,
    openSeconds,
    benchClientRssMb: Math.round(rss / 1048576),
    deliveries: latencies.length,
    deliveriesExpected: posts * open,
    fanOutLatencyMs: summarize(latencies),
  };
}

module.exports = { reads, writes, 'writes-one': writesOne, mixed, burst, pages, sse, readWholeThread, call };
