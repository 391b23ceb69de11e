#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [--scenario reads|writes|writes-one|mixed|burst|pages|sse|all] [--instances 1|2]
//   [--duration S] [--connections C] [--url http://127.0.0.1:3000[,http://…]] [--out file.json]
//   [--build] [--keep-data] [--sustainable-rate N] [--baseline <git-ref> [--rounds N]]
// Starts the system (or uses a running one), seeds it through the public API, drives it with
// autocannon from this machine to 127.0.0.1 only, prints a table per scenario and the targets,
// and writes everything to a JSON file. See README.md, "Performance".
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { close: closeApi } = require('./lib/api');
const { deleteTopics, waitForConsumers } = require('./lib/decisions');
const { stopAll } = require('./lib/load');
const { ProcessSampler, pidListeningOn } = require('./lib/procs');
const metrics = require('./lib/metrics');
const { probeThreadsNeeded } = require('./lib/probe');
const { prepareBaseline } = require('./lib/baseline');
const { compactSeries, median, ratio } = require('./lib/processed');
const { seed } = require('./lib/seed');
const { table, fmt } = require('./lib/stats');
const { startSystem, existingSystem, stopSystem, killSystemNow, dropDatabases, ROOT } = require('./lib/system');
const scenarios = require('./scenarios');

const ORDER = ['reads', 'pages', 'writes', 'writes-one', 'mixed', 'burst', 'sse'];
const PROBING = ['writes', 'writes-one', 'mixed'];

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'all' },
      instances: { type: 'string', default: '1' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      url: { type: 'string' },
      out: { type: 'string' },
      build: { type: 'boolean', default: false },
      'keep-data': { type: 'boolean', default: false },
      'sustainable-rate': { type: 'string' },
      baseline: { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(2, 5).join('\n').replace(/^\/\/ ?/gm, ''));
    process.exit(0);
  }
  const chosen = values.scenario === 'all' ? ORDER : values.scenario.split(',');
  for (const s of chosen) if (!ORDER.includes(s)) throw new Error(`unknown scenario "${s}" (one of ${ORDER.join(', ')}, all)`);
  const instances = Number(values.instances);
  if (![1, 2].includes(instances)) throw new Error('--instances is 1 or 2');
  const quick = values.quick;
  const duration = Number(values.duration ?? (quick ? 4 : 30));
  const connections = Number(values.connections ?? 40);
  if (!(duration > 0) || !(connections > 0)) throw new Error('--duration and --connections must be positive numbers');
  if (values.baseline && values.url) throw new Error('--baseline starts both systems itself: it cannot be combined with --url');
  // With a baseline, each scenario runs candidate, baseline, candidate, baseline… `rounds` times each.
  const rounds = Number(values.rounds ?? (values.baseline && !quick ? 3 : 1));
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');
  const probeIntervalMs = 25;
  const plan = quick
    ? { stories: 50, hotComments: 200, burstStories: 5, bigThread: 500, smallThread: 50, readers: 500 }
    : { stories: 1_000, hotComments: 500, burstStories: 50, bigThread: 10_000, smallThread: 50, readers: 5_000 };
  if (!chosen.includes('pages')) plan.bigThread = plan.smallThread = 0;
  if (!chosen.includes('burst')) plan.burstStories = 0;
  const probing = chosen.filter((s) => PROBING.includes(s)).length * rounds;
  plan.probeStories = probing ? probeThreadsNeeded(probing * duration + 10, probeIntervalMs) : 0;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    quick,
    scenarios: chosen,
    instances,
    duration,
    connections,
    urls: values.url ? values.url.split(',') : null,
    out: path.resolve(values.out ?? path.join(ROOT, 'bench', 'results', `${stamp}${quick ? '-quick' : ''}.json`)),
    build: values.build,
    keepData: values['keep-data'],
    sustainableRate: values['sustainable-rate'] ? Number(values['sustainable-rate']) : undefined,
    baseline: values.baseline ?? null,
    rounds,
    burstSeconds: quick ? 1 : 10,
    // How long writes, writes-one and mixed wait after their load for every accepted comment's final event.
    writesDrainBoundSeconds: quick ? 30 : 120,
    // How long the burst's backlog is waited for before what is not applied yet counts as lost
    // (the drain target, 30 s, is judged on the time it took, not on this bound).
    drainBoundSeconds: quick ? 60 : 300,
    visibleBoundSeconds: quick ? 10 : 30,
    probeIntervalMs,
    plan,
  };
}

const log = (message) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** What to sample: every service process, the broker, the database (FerretDB and all of PostgreSQL), and this process. */
function processGroups(run) {
  const groups = run.processes.map((p) => ({ name: p.name, pid: p.pid }));
  if (!run.started) {
    for (const url of run.gateways) groups.push({ name: `gateway ${new URL(url).port}`, pid: pidListeningOn(Number(new URL(url).port)) });
    for (const [name, port] of [['articles', 3001], ['comments', 3002], ['moderation', 3003]]) groups.push({ name: `${name} ${port}`, pid: pidListeningOn(port) });
  }
  groups.push({ name: 'kafka (shared)', pid: pidListeningOn(Number((run.kafkaBrokers.split(',')[0].split(':')[1]) || 9092)), shared: true });
  groups.push({ name: 'ferretdb (shared)', pid: pidListeningOn(Number(process.env.MONGO_PORT ?? 27017)), shared: true });
  groups.push({ name: 'postgresql (shared)', pid: pidListeningOn(Number(process.env.PG_PORT ?? 55432)), withChildren: true, shared: true });
  groups.push({ name: 'bench (this process)', pid: process.pid });
  return groups.filter((g) => g.pid);
}

function printScenario(name, result) {
  console.log(`\n=== ${name}: ${result.description} (${result.seconds} s)`);
  if (result.loads) {
    const rows = result.loads.map((l) => [
      l.label,
      l.connections,
      l.requests,
      fmt(l.requestsPerSecond),
      l.acceptedPerSecond !== undefined ? fmt(l.acceptedPerSecond) : '',
      fmt(l.latencyMs.p50, 2),
      fmt(l.latencyMs.p99, 2),
      fmt(l.latencyMs.max, 1),
      l.non2xx ? Object.entries(l.statuses).filter(([c]) => !c.startsWith('2')).map(([c, n]) => `${c}:${n}`).join(' ') : '0',
      l.errors,
      l.unfinished,
    ]);
    console.log(table(['load', 'conns', 'answered', 'req/s', 'accepted/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'unanswered'], rows));
  }
  if (result.visibility) {
    const v = result.visibility;
    console.log(
      `submit->visible (probe every ${v.intervalMs} ms, polled every ${v.pollMs} ms): ${v.visibleMs.count} of ${v.probes} probes seen, ` +
        `p50 ${fmt(v.visibleMs.p50)} ms, p99 ${fmt(v.visibleMs.p99)} ms, max ${fmt(v.visibleMs.max)} ms; not visible within ${v.boundMs / 1000} s: ${v.notVisibleWithinBound}` +
        `${v.notVisibleStatusesSample ? ` (sample: ${JSON.stringify(v.notVisibleStatusesSample)})` : ''}; probe submit p99 ${fmt(v.submitLatencyMs.p99)} ms`,
    );
  }
  if (result.drain) {
    const d = result.drain;
    console.log(
      `burst: requested ${result.requestedRate}/s (10x ${result.sustainableRate}/s) for ${result.loads[0].seconds} s, accepted ${d.accepted}; ` +
        `drained: ${d.drained ? `yes, ${d.drainSeconds} s after the burst` : `NO within ${d.boundSeconds} s (${d.applied} of ${d.accepted} applied)`}`,
    );
    console.log(
      `decisions: once ${d.decidedOnce}, more than once ${d.decidedMoreThanOnce}, none ${d.notDecided}, redelivered copies ${d.redeliveredCopies}; ` +
        `by rule ${JSON.stringify(d.decisions)}; in threads: ${result.visible.inThreads}, missing ${result.visible.missing}, duplicated ${result.visible.duplicated}`,
    );
  }
  if (result.big) {
    console.log(
      table(
        ['thread', 'cache', 'pages read', 'p50 ms', 'p99 ms', 'max ms'],
        [result.big, result.small].flatMap((t) => [
          [`${t.comments} comments${t.wholeThread === false ? ' (time budget spent before the end)' : ''}`, 'cold', t.pages, fmt(t.latencyMs.p50, 2), fmt(t.latencyMs.p99, 2), fmt(t.latencyMs.max, 1)],
          ['', 'warm', t.warmPages ?? t.pages, fmt(t.warmLatencyMs.p50, 2), fmt(t.warmLatencyMs.p99, 2), fmt(t.warmLatencyMs.max, 1)],
        ]),
      ),
    );
  }
  if (result.processed) for (const line of processedLines(result.processed)) console.log(line);
  const db = result.database;
  // Per processed comment: every comment whose final event came during the scenario (the scenario
  // waits for the consumers to catch up before it ends), else the comments moderation reviewed.
  const perComment = result.processed?.allFinalEvents || result.processed?.processed || db?.comments || 0;
  if (db && db.commands) {
    console.log(
      `database commands during the scenario: ${db.commands}` +
        (db.comments ? `; comments reviewed by moderation: ${db.comments}` : '') +
        (perComment ? `; processed comments: ${perComment}, ${fmt(db.commands / perComment)} commands per processed comment` : ''),
    );
    const rows = Object.entries(db.services).flatMap(([service, s]) =>
      s.top.slice(0, 6).map((o, i) => [i ? '' : `${service} (${s.commands}, ${fmt(s.seconds)} s)`, o.op, o.commands, perComment ? fmt(o.commands / perComment, 2) : '', fmt((o.seconds / o.commands) * 1000, 2)]),
    );
    console.log(table(['service (commands, seconds waited)', 'collection command', 'commands', 'per comment', 'ms each'], rows));
  }
  // CPU from /proc/<pid>/stat (utime + stime), commands from each service's /metrics.
  const per = (v) => (perComment && v !== undefined ? fmt(v / perComment, 2) : '');
  console.log(
    table(
      ['process (CPU 100% = one core)', 'pid', 'CPU %', 'CPU ms', `CPU ms/comment (${perComment})`, 'db commands', 'per comment', 'RSS max MB', 'PSS max MB'],
      result.processes.map((p) => {
        const commands = db?.services?.[p.name]?.commands;
        return [
          `${p.name}${p.processesMax ? ` (${p.processesMax} processes)` : ''}${p.alive ? '' : ' (GONE)'}`,
          p.pid,
          fmt(p.cpuPercent),
          p.cpuMs ?? '',
          per(p.cpuMs),
          commands ?? '',
          commands === undefined ? '' : per(commands),
          fmt(p.rssMaxMb),
          fmt(p.pssMaxMb),
        ];
      }),
    ),
  );
  const services = result.processes.filter((p) => !p.shared && !p.name.startsWith('bench'));
  console.log(`services together: RSS max ${fmt(services.reduce((n, p) => n + p.rssMaxMb, 0))} MB, CPU ${fmt(services.reduce((n, p) => n + (p.cpuMs ?? 0), 0) / (perComment || NaN), 2)} ms per comment`);
}

/** The processed-comment figures of a scenario, as text lines. */
function processedLines(p) {
  return [
    `processed (final event comment.approved/held/rejected of each 202): accepted ${p.accepted} (${fmt(p.acceptedPerSecond)}/s over ${p.windowSeconds} s), ` +
      `processed/s over the load window ${fmt(p.processedPerSecond)}; ` +
      (p.drained ? `drained ${p.drainSeconds} s after the load` : `NOT drained: ${p.notProcessed} of ${p.accepted} without a final event when the scenario ended (waited up to ${p.drainBoundSeconds ?? '?'} s${p.lagAtEnd !== undefined ? ` and then for the consumers, ${p.lagAtEnd ?? '?'} events behind at the end` : ''})`) +
      `; submit->final p50 ${fmt(p.submitToFinalMs.p50)} ms, p99 ${fmt(p.submitToFinalMs.p99)} ms (bench reader lag p99 ${fmt(p.watcherLagP99Ms)} ms)`,
    `backlog (accepted - processed) each second, max ${p.backlogMax}: ${compactSeries(p.backlogPerSecond)}`,
  ];
}

const okRate = (l) => (l ? Math.round((l.ok2xx / l.seconds) * 10) / 10 : null);
const postsOf = (r) => r?.loads?.find((l) => l.label.startsWith('posts'));
const readsOf = (r) => r?.loads?.find((l) => l.label === 'thread reads');
const servicesRssMb = (r) => (r?.processes ?? []).filter((p) => !p.shared && !p.name.startsWith('bench')).reduce((n, p) => n + p.rssMaxMb, 0);

/** The figures compared across systems, per scenario result (lower is better for the latencies). */
const FIGURES = [
  ['processed/s', (r) => r.processed?.processedPerSecond],
  ['accepted/s', (r) => r.processed?.acceptedPerSecond ?? postsOf(r)?.acceptedPerSecond],
  ['reads/s', (r) => okRate(readsOf(r))],
  ['p99 submit ms', (r) => postsOf(r)?.latencyMs.p99],
  ['p99 submit->final ms', (r) => r.processed?.submitToFinalMs.p99],
  ['p99 submit->visible ms', (r) => r.visibility?.visibleMs.p99],
  ['p99 read ms', (r) => readsOf(r)?.latencyMs.p99],
  ['drain s', (r) => r.processed?.drainSeconds],
  ['services RSS max MB', (r) => servicesRssMb(r) || null],
];

/** The round whose main figure (processed/s, else reads/s) is the median: what targets are judged on. */
function representative(list) {
  if (!list?.length) return undefined;
  const key = (r) => r.processed?.processedPerSecond ?? okRate(readsOf(r)) ?? 0;
  const sorted = [...list].sort((x, y) => key(x) - key(y));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Per scenario and figure: the median over the rounds of each system and candidate/baseline. */
function ratios(candidateRounds, baselineRounds) {
  const out = {};
  for (const name of ORDER) {
    if (!candidateRounds[name] || !baselineRounds[name]) continue;
    out[name] = FIGURES.flatMap(([figure, of]) => {
      const c = median(candidateRounds[name].map(of));
      const b = median(baselineRounds[name].map(of));
      return c === null && b === null ? [] : [{ figure, candidate: c, baseline: b, ratio: ratio(c, b) }];
    });
  }
  return out;
}

/** Issue 12's targets, each with what was measured (met null when its scenario did not run). */
function targets(results, baselineResults) {
  const t = [];
  const add = (target, ran, measured, met) => t.push({ target, measured: ran ? measured : null, met: ran ? Boolean(met) : null });
  // A latency percentile is only as good as its sample: requests still unanswered at the end are
  // in none, so more than 1% of them makes the target unmet whatever the percentile says.
  const p99 = (l) => (l.latencyMs.p99 === null ? 'no answer' : `${l.latencyMs.p99} ms`) + (l.unfinished ? ` (${l.unfinished} unanswered)` : '');
  const p99Met = (l, bound) => l.latencyMs.p99 !== null && l.latencyMs.p99 <= bound && l.unfinished <= 0.01 * l.requests;
  const processedText = (p) => `${p.processedPerSecond}/s, ${p.drained ? `drained ${p.drainSeconds} s after` : `${p.notProcessed} of ${p.accepted} not processed`}, backlog max ${p.backlogMax}`;
  for (const [name, what, rate] of [['writes', 'writes spread over 50 stories', 1000], ['writes-one', 'writes to one story (one partition)', 600]]) {
    const r = results[name];
    add(`${what}: >= ${rate} processed/s, backlog drained <= 5 s after the load`, r, r && processedText(r.processed), r && r.processed.processedPerSecond >= rate && r.processed.drained && r.processed.drainSeconds <= 5);
    add(`${what}: p99 submit (the 202) <= 50 ms`, r, r && p99(postsOf(r)), r && p99Met(postsOf(r), 50));
  }
  const m = results.mixed;
  const mixedReads = readsOf(m);
  add('mixed: >= 600 processed/s', m, m && processedText(m.processed), m && m.processed.processedPerSecond >= 600);
  add('mixed: >= 3000 thread reads/s at the same time', m, m && `${okRate(mixedReads)}/s`, m && okRate(mixedReads) >= 3000);
  add('mixed: p99 submit (the 202) <= 50 ms', m, m && p99(postsOf(m)), m && p99Met(postsOf(m), 50));
  const vis = m?.visibility;
  add(
    'mixed: p99 submit->visible <= 500 ms, every probe seen',
    vis,
    vis && `${vis.visibleMs.p99 === null ? 'none seen' : `${vis.visibleMs.p99} ms`}${vis.notVisibleWithinBound ? `, ${vis.notVisibleWithinBound} of ${vis.probes} not within ${vis.boundMs / 1000} s` : ''}`,
    vis && vis.visibleMs.count > 0 && vis.notVisibleWithinBound === 0 && vis.visibleMs.p99 <= 500,
  );
  const b = results.burst;
  add(
    'burst (10x the processed rate): 0 lost, 0 decided twice, each in its thread once',
    b,
    b && (b.drain.accepted === 0 ? 'nothing accepted' : `${b.drain.accepted} accepted: ${b.drain.decidedOnce} decided once, ${b.drain.decidedMoreThanOnce} more, ${b.drain.notDecided} not; ${b.visible.missing} missing, ${b.visible.duplicated} twice`),
    b && b.drain.accepted > 0 && b.drain.decidedOnce === b.drain.accepted && b.visible.missing === 0 && b.visible.duplicated === 0,
  );
  add(
    'burst: backlog drained <= 30 s after the burst',
    b,
    b && (b.drain.drained ? `${b.drain.drainSeconds} s` : `not within ${b.drain.boundSeconds} s (${b.drain.applied} of ${b.drain.accepted})`),
    b && b.drain.accepted > 0 && b.drain.drained && b.drain.drainSeconds <= 30,
  );
  const e = results.sse;
  add('sse: one gateway holds >= 10000 idle live streams', e, e && `${e.clientsHeld} of ${e.clientsAsked} (${e.refused} refused)`, e && e.clientsHeld >= 10_000);
  add('sse: fan-out comment.approved -> client p50/p99 (reported)', e, e && `p50 ${e.fanOutLatencyMs.p50} ms, p99 ${e.fanOutLatencyMs.p99} ms, ${e.deliveries} of ${e.deliveriesExpected} delivered`, e && e.deliveries === e.deliveriesExpected);
  const reads = results.reads;
  const baseReads = baselineResults?.reads;
  t.push({
    target: 'reads only: thread reads/s >= 95% of the baseline, same run',
    measured: reads ? `${okRate(readsOf(reads))}/s${baseReads ? ` vs ${okRate(readsOf(baseReads))}/s (${ratio(okRate(readsOf(reads)), okRate(readsOf(baseReads)))}x)` : ' (no --baseline: nothing to compare with)'}` : null,
    met: reads && baseReads ? okRate(readsOf(reads)) >= 0.95 * okRate(readsOf(baseReads)) : null,
  });
  const ran = Object.values(results);
  if (ran.length) {
    const mb = Math.max(...ran.map(servicesRssMb));
    const baseMb = baselineResults && Object.keys(baselineResults).length ? Math.max(...Object.values(baselineResults).map(servicesRssMb)) : null;
    t.push({
      // The baseline's figure is shown, not judged: the same code measured twice differed by a quarter.
      target: 'memory: the services together RSS max <= 750 MiB (issue 12: today\'s ~750 MiB)',
      measured: `${fmt(mb)} MB${baseMb !== null ? ` (baseline ${fmt(baseMb)} MB)` : ''}`,
      met: mb <= 750,
    });
  }
  return t;
}

async function main() {
  const opts = options();
  const startedAt = new Date();
  const t0 = Date.now();
  const machine = { cores: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), loadAverageAtStart: os.loadavg(), node: process.version };
  log(
    `${opts.quick ? 'quick' : 'full'} run: ${opts.scenarios.join(', ')}; ${opts.instances} instance(s) of each service; ${opts.duration} s per scenario, ${opts.connections} connections; ` +
      `${opts.baseline ? `against --baseline ${opts.baseline}, ${opts.rounds} round(s) each, alternating; ` : ''}${machine.cores} cores, load ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`,
  );

  // The systems under test: this checkout, and the baseline's worktree when asked for.
  const systems = [{ label: 'candidate', root: ROOT, run: null, ctx: null, rounds: {} }];
  const runs = () => systems.map((s) => s.run).filter(Boolean);
  let cleaning;
  const cleanup = async () => {
    if (cleaning) return cleaning;
    cleaning = (async () => {
      await closeApi().catch(() => {});
      for (const run of runs()) {
        if (!run.started) continue;
        await stopSystem(run);
        if (opts.keepData) {
          log(`kept databases bench_${run.runId}_* and topics ${run.topicPrefix}* (--keep-data); logs in ${path.relative(ROOT, run.logDir)}`);
          continue;
        }
        const dropped = await dropDatabases(run).catch((error) => (log(`could not drop databases: ${error.message}`), []));
        const deleted = await deleteTopics(run.kafkaBrokers, run.topicPrefix).catch((error) => (log(`could not delete topics: ${error.message}`), []));
        log(`${run.label}: stopped ${run.processes.length} processes; dropped ${dropped.length} databases, deleted ${deleted.length} topics; logs in ${path.relative(ROOT, run.logDir)}`);
      }
    })();
    return cleaning;
  };
  let interrupted = 0;
  let aborted = null;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (++interrupted > 1) {
        for (const run of runs()) killSystemNow(run);
        process.exit(130);
      }
      log(`${signal}: stopping what this run started (again to kill at once)`);
      aborted = signal;
      process.exitCode = 130;
      stopAll();
      // Stopping the system makes whatever the run awaits fail fast; main then writes what it has.
      cleanup().finally(() => setTimeout(() => process.exit(130), 30_000).unref());
    });
  }
  process.on('exit', () => {
    for (const run of runs()) killSystemNow(run);
  });

  let failure = null;
  let baseline = null;
  try {
    if (opts.baseline) {
      baseline = prepareBaseline(opts.baseline, log);
      systems.push({ label: `baseline ${opts.baseline}`, root: baseline.dir, run: null, ctx: null, rounds: {} });
    }
    // The systems start one after the other (a Nest boot is CPU-heavy: two at once on a crowded
    // machine miss their readiness bound), then are seeded at once, each on its own topics and databases.
    const say = (system) => (systems.length > 1 ? (message) => log(`${system.label}: ${message}`) : log);
    for (const system of systems) {
      if (aborted) break;
      if (opts.urls) {
        system.run = existingSystem(opts.urls);
        system.run.label = system.label;
        log(`using the running system at ${system.run.gateways.join(', ')}`);
      } else {
        const startStarted = Date.now();
        // Each system its own run id: its own topic prefix, consumer groups and databases.
        system.run = await startSystem({ instances: opts.instances, build: opts.build && system.label === 'candidate', log: say(system), root: system.root, label: system.label });
        say(system)(`started in ${((Date.now() - startStarted) / 1000).toFixed(1)} s: run ${system.run.runId}, gateways ${system.run.gateways.join(', ')}`);
      }
    }
    await Promise.all(
      systems.map(async (system) => {
        const seedStarted = Date.now();
        const seeded = await seed(system.run, opts.plan, say(system));
        say(system)(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
        system.groups = processGroups(system.run);
        system.ctx = { opts, run: system.run, seed: seeded, results: {}, probeThreadsUsed: 0, seedSeconds: Math.round((Date.now() - seedStarted) / 100) / 10 };
      }),
    );
    const several = systems.length > 1;
    for (const name of ORDER.filter((s) => opts.scenarios.includes(s))) {
      for (let round = 1; round <= opts.rounds && !aborted; round++) {
        for (const system of systems) {
          if (aborted) break;
          const { run, ctx } = system;
          const title = several || opts.rounds > 1 ? `${name} [${system.label}, round ${round}]` : name;
          if (run.started) {
            // Each scenario starts on a quiet system: the consumers have handled what came before
            // (seeding, the previous scenario's backlog), else its figures include that work.
            const waitStarted = Date.now();
            const lag = await waitForConsumers(run.kafkaBrokers, ['articles', 'comments', 'moderation'].map((s) => `${s}-bench-${run.runId}`), 180_000);
            log(`${system.label}: consumers ${lag === 0 ? 'caught up' : `still ${lag ?? '?'} events behind`} after ${((Date.now() - waitStarted) / 1000).toFixed(1)} s`);
          }
          log(`scenario ${title}…`);
          const sampler = new ProcessSampler(system.groups);
          const metricsBefore = await metrics.scrape(run);
          sampler.start();
          const began = Date.now();
          const result = await scenarios[name](ctx);
          result.seconds = Math.round((Date.now() - began) / 100) / 10;
          result.processes = sampler.stop();
          result.database = metrics.difference(metricsBefore, await metrics.scrape(run));
          if (aborted) break; // the system was stopped under it: its figures mean nothing
          result.round = round;
          ctx.results[name] = result;
          (system.rounds[name] ??= []).push(result);
          printScenario(title, result);
        }
      }
    }
  } catch (error) {
    failure = error;
    if (!aborted) console.error(`\nbench failed: ${error.stack ?? error}`);
    for (const run of runs()) if (run.logDir) console.error(`service logs (${run.label}): ${path.relative(ROOT, run.logDir)}`);
    if (!aborted) process.exitCode = 1;
  }
  // The report, also when a scenario failed or Ctrl-C cut the run short (marked incomplete).
  const [candidate, base] = systems;
  if (candidate.ctx && Object.keys(candidate.rounds).length) {
    const judged = (system) => Object.fromEntries(Object.entries(system?.rounds ?? {}).map(([name, list]) => [name, representative(list)]));
    const results = judged(candidate);
    const baselineResults = base ? judged(base) : null;
    const compared = base ? ratios(candidate.rounds, base.rounds) : null;
    const describe = (system) => ({
      label: system.label,
      runId: system.run.runId,
      started: system.run.started,
      root: system.root,
      instances: opts.instances,
      gateways: system.run.gateways,
      topicPrefix: system.run.topicPrefix,
      processes: system.run.processes.map((p) => ({ name: p.name, pid: p.pid, port: p.port })),
    });
    const report = {
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      ...(failure || aborted ? { incomplete: aborted ? `interrupted by ${aborted}` : String(failure.message ?? failure) } : {}),
      machine: { ...machine, loadAverageAtEnd: os.loadavg() },
      options: opts,
      system: describe(candidate),
      seed: { ...opts.plan, hotThreadPages: candidate.ctx.seed.hotCursors.length, seconds: candidate.ctx.seedSeconds },
      // The candidate's results the targets are judged on (with rounds, the median round of each scenario).
      scenarios: results,
      ...(base ? { baseline: { ref: baseline.ref, sha: baseline.sha, dir: baseline.dir, nodeModules: baseline.nodeModules, system: base.run && describe(base), ratios: compared }, rounds: { candidate: candidate.rounds, baseline: base.rounds } } : {}),
      ...(opts.rounds > 1 && !base ? { rounds: { candidate: candidate.rounds } } : {}),
      targets: targets(results, baselineResults),
    };
    if (!aborted) {
      if (compared) {
        console.log(`\n=== candidate vs baseline ${baseline.ref} (${baseline.sha.slice(0, 10)}): medians over ${opts.rounds} alternating round(s) each; ratio = candidate / baseline (above 1 is better for rates, below 1 for latencies, drain and memory)`);
        const rows = Object.entries(compared).flatMap(([name, figures]) => figures.map((f, i) => [i ? '' : name, f.figure, fmt(f.candidate), fmt(f.baseline), f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`]));
        console.log(table(['scenario', 'figure', 'candidate', 'baseline', 'ratio'], rows));
      }
      console.log(`\n=== targets (issue 12; ${machine.cores} cores, everything on this machine, infrastructure shared with other work: figures are noisy)`);
      console.log(table(['target', 'measured', 'met'], report.targets.map((t) => [t.target, t.measured ?? 'not run', t.met === null ? '-' : t.met ? 'yes' : 'NO'])));
    }
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, JSON.stringify(report, null, 2));
    log(`results written to ${path.relative(process.cwd(), opts.out)} (${report.seconds} s in all)`);
  }
  await cleanup();
}

// Exits once done: what the run leaves behind (the load generator's sockets, a probe's pending
// timers, broker clients winding down) would otherwise keep the process alive for seconds.
main().then(
  () => process.exit(),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
