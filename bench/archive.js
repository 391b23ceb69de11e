#!/usr/bin/env node
'use strict';
// npm run measure:archive [-- --stories 10000] [--comments 3] [--batch 250] [--build] [--keep-data] [--url http://127.0.0.1:3000]
// Moves an archive in through the public API and times it: `stories` stories published years ago
// (2009–2019) are imported with POST /api/v1/articles/import, `comments` comments each with
// POST /api/v1/articles/:id/comments/import, and the clock runs until every story reads as
// archived (GET /api/v1/articles/:id, the story's comments.state), every thread.archived event is
// on comments.events, and every story shows its comment count. Starts its own system (own databases
// and topics, like npm run bench) unless --url names a running one. See docs/lifecycle.md.
const { parseArgs } = require('node:util');
const { Kafka, logLevel } = require('kafkajs');
const { call, expect, token, pool, close } = require('./lib/api');
const { deleteTopics } = require('./lib/decisions');
const { startSystem, existingSystem, stopSystem, killSystemNow, dropDatabases } = require('./lib/system');
const metrics = require('./lib/metrics');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const YEAR = 365 * 86_400_000;

function options() {
  const { values } = parseArgs({
    options: {
      stories: { type: 'string', default: '10000' },
      comments: { type: 'string', default: '3' },
      batch: { type: 'string', default: '250' },
      concurrency: { type: 'string', default: '16' },
      url: { type: 'string' },
      build: { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      'timeout-s': { type: 'string', default: '600' },
    },
  });
  return {
    stories: Number(values.stories),
    comments: Number(values.comments),
    batch: Number(values.batch),
    concurrency: Number(values.concurrency),
    url: values.url,
    build: values.build,
    keepData: values['keep-data'],
    timeoutMs: Number(values['timeout-s']) * 1000,
  };
}

/** An idempotent call, sent again after a dropped connection or a 503 (the upstream timed out; the work may still be done). */
async function retrying(send, ok) {
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await send();
      if (ok.includes(answer.status) || attempt >= 10) return answer;
      if (answer.status !== 503) return answer;
    } catch (error) {
      if (attempt >= 10) throw error;
    }
    await sleep(500 * attempt);
  }
}

function story(runId, i) {
  const publishedAt = new Date(Date.UTC(2009, 0, 1) + ((i * 7_919) % 10) * YEAR + (i % 360) * 86_400_000);
  return {
    title: `From the archive: council weighs the budget, part ${i}`,
    slug: `archive-${runId}-${i}`,
    byline: 'Christine Stuart',
    categories: [`archive-${runId}`],
    tags: ['Hartford'],
    photoCredits: [],
    body: 'It’s not everything the city of Hartford wanted, but after an emergency meeting the state committed resources.',
    publishedAt: publishedAt.toISOString(),
  };
}

/** Counts, from the first message on, the stories of this run whose thread.archived reached comments.events. */
async function watchArchivedEvents(run, ids, onAll) {
  const kafka = new Kafka({ clientId: `archive-measure-${run.runId}`, brokers: run.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `archive-measure-${run.runId}`, maxWaitTimeInMs: 100 });
  const archived = new Set();
  const opened = new Set();
  await consumer.connect();
  await consumer.subscribe({ topic: `${run.topicPrefix}comments.events`, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const event = JSON.parse(message.value.toString());
        if (!ids.has(event.payload?.articleId)) continue;
        if (event.type === 'thread.opened') opened.add(event.payload.articleId);
        if (event.type === 'thread.archived') archived.add(event.payload.articleId);
      }
      if (archived.size === ids.size) onAll();
    },
  });
  return { consumer, archived, opened };
}

async function main() {
  const opts = options();
  const log = (line) => console.log(`[archive] ${line}`);
  const run = opts.url ? existingSystem([opts.url]) : await startSystem({ instances: 1, build: opts.build, log });
  const stopNow = () => killSystemNow(run);
  process.once('exit', stopNow);
  process.once('SIGINT', () => process.exit(130));
  let consumer;
  try {
    const base = run.gateways[0];
    const editor = token(run.jwtSecret, 'editor-archive', 'Christine Stuart', ['editor']);
    const admin = token(run.jwtSecret, 'admin-archive', 'Ada Admin', ['admin']);
    const runId = run.runId;
    const stories = Array.from({ length: opts.stories }, (_, i) => story(runId, i));
    const batches = [];
    for (let i = 0; i < stories.length; i += opts.batch) batches.push(stories.slice(i, i + opts.batch));
    const ids = new Set();
    const marks = {};
    const metricsBefore = await metrics.scrape(run);
    const started = Date.now();
    const since = () => ((Date.now() - started) / 1000).toFixed(1);

    // 1. The stories, in batches (a few at once: one insert per batch on the articles side).
    const imported = await pool(batches, 2, async (batch) => {
      const t = Date.now();
      // Idempotent by slug: a batch the gateway gave up on (503) is sent again.
      const answer = await retrying(() => call(base, 'POST', '/api/v1/articles/import', { token: editor, body: { stories: batch }, timeoutMs: 60_000 }), [200]);
      if (process.env.ARCHIVE_VERBOSE) log(`batch of ${batch.length} in ${Date.now() - t} ms`);
      return answer.body.stories.map((s) => s.id);
    });
    for (const id of imported.flat()) ids.add(id);
    marks.storiesImported = since();
    log(`${ids.size} stories imported in ${marks.storiesImported} s`);
    const watch = await watchArchivedEvents(run, ids, () => (marks.eventsOut ??= since()));
    consumer = watch.consumer;

    // 2. Their comments: a story's thread exists once the comments service heard article.published (404 before).
    // Each story's comments once its thread.opened is out (before that its thread answers 404).
    const threadOpened = async (id) => {
      while (!watch.opened.has(id)) await sleep(200);
    };
    const commentsDone = pool(opts.comments ? [...ids] : [], opts.concurrency, async (id, n) => {
      await threadOpened(id);
      const comments = Array.from({ length: opts.comments }, (_, k) => ({
        externalId: `wp-${runId}-${n}-${k}`,
        authorName: `Reader ${k}`,
        postedAt: new Date(Date.UTC(2012, 0, 1) + k * 60_000).toISOString(),
        body: `Comment ${k} on an old story: the budget never did add up.`,
      }));
      for (;;) {
        const answer = await retrying(() => call(base, 'POST', `/api/v1/articles/${id}/comments/import`, { token: admin, body: { comments }, timeoutMs: 60_000 }), [200, 404]);
        if (answer.status === 200) return;
        if (answer.status !== 404 && answer.status !== 503) throw new Error(`comments import for ${id} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        await sleep(200);
      }
    }).then(() => (marks.commentsImported = since()));

    // 3. Every story as a reader gets it (GET /api/v1/articles/:id, its comments.state): archived is
    // final, so each story is confirmed once. A story is first asked about 1 s after its
    // thread.archived is out (the articles side follows the same events), then again after 2 s,
    // then every 4 s: the reads are the reader's side of the move, and asking every story each
    // second loaded the database the move itself needs. The mark can only come late, never early.
    const deadline = started + opts.timeoutMs;
    const confirmed = new Set();
    const misses = new Map();
    const askAt = new Map();
    const readStory = async (id) => (await expect([200], base, 'GET', `/api/v1/articles/${id}`)).body;
    const backoff = (id) => {
      const n = (misses.get(id) ?? 0) + 1;
      misses.set(id, n);
      askAt.set(id, Date.now() + Math.min(4_000, 1_000 * 2 ** (n - 1)));
    };
    while (confirmed.size < ids.size) {
      if (Date.now() > deadline) throw new Error(`not done after ${opts.timeoutMs / 1000} s: ${confirmed.size} read archived`);
      for (const id of watch.archived) if (!askAt.has(id)) askAt.set(id, Date.now() + 1_000);
      const ask = [...askAt].filter(([id, at]) => at <= Date.now() && !confirmed.has(id)).map(([id]) => id);
      await pool(ask, 32, async (id) => {
        if ((await readStory(id)).comments.state === 'archived') confirmed.add(id);
        else backoff(id);
      });
      if (watch.archived.size === ids.size && !marks.eventsOut) marks.eventsOut = since();
      if (confirmed.size < ids.size) {
        log(`${since()} s: ${watch.archived.size} thread.archived events out, ${confirmed.size} read archived`);
        await sleep(500);
      }
    }
    marks.allArchived = since();
    marks.eventsOut ??= marks.allArchived;
    log(`all ${ids.size} read as archived after ${marks.allArchived} s (events out after ${marks.eventsOut} s)`);
    // 4. And with their comments: every story once more, again until each shows its count.
    await commentsDone;
    const pending = new Set(ids);
    misses.clear();
    askAt.clear();
    while (pending.size) {
      if (Date.now() > deadline) throw new Error(`not done after ${opts.timeoutMs / 1000} s: ${pending.size} without their comments`);
      const ask = [...pending].filter((id) => (askAt.get(id) ?? 0) <= Date.now());
      await pool(ask, 32, async (id) => {
        const read = await readStory(id);
        if (read.comments.state === 'archived' && read.comments.count === opts.comments) pending.delete(id);
        else backoff(id);
      });
      if (pending.size) await sleep(500);
    }
    marks.allCounted = since();
    // What the services asked of the database for the whole move, per story: where the time goes.
    const database = metrics.difference(metricsBefore, await metrics.scrape(run), 8);
    for (const [service, s] of Object.entries(database.services)) {
      log(`${service}: ${s.commands} database commands (${(s.commands / ids.size).toFixed(2)} per story, ${s.seconds} s waited)`);
      for (const o of s.top) log(`    ${o.op.padEnd(32)} ${String(o.commands).padStart(7)}  ${(o.commands / ids.size).toFixed(2)} per story  ${((o.seconds / o.commands) * 1000).toFixed(2)} ms each`);
    }
    const result = {
      stories: ids.size,
      commentsPerStory: opts.comments,
      seconds: {
        storiesImported: Number(marks.storiesImported),
        allReadArchived: Number(marks.allArchived),
        allThreadArchivedEventsOut: Number(marks.eventsOut),
        commentsImported: Number(marks.commentsImported),
        allReadArchivedWithTheirComments: Number(marks.allCounted),
      },
      targetSeconds: 120,
      databaseCommandsPerStory: Object.fromEntries(Object.entries(database.services).map(([service, s]) => [service, Math.round((s.commands / ids.size) * 100) / 100])),
    };
    console.log(JSON.stringify(result, null, 2));
    const worst = Math.max(result.seconds.allReadArchived, result.seconds.allThreadArchivedEventsOut);
    log(worst <= 120 ? `within the 2-minute target (${worst} s)` : `over the 2-minute target (${worst} s)`);
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await close();
    await stopSystem(run);
    if (run.started && !opts.keepData) {
      await dropDatabases(run).catch(() => undefined);
      await deleteTopics(run.kafkaBrokers, run.topicPrefix).catch(() => undefined);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
