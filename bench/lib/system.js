'use strict';
// Starts the system under test for one benchmark run (or describes one already running), and
// stops exactly what it started. The shared infrastructure (Kafka, FerretDB, PostgreSQL) is
// started by scripts/infra.sh only if nothing answers yet, and never stopped here.
const { execFileSync, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BACKENDS = ['articles', 'comments', 'moderation'];

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitReady(port, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`service on port ${port} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error.message;
    }
    await sleep(250);
  }
  throw new Error(`service on port ${port} not ready after ${timeoutMs} ms: ${last}`);
}

const portAnswers = (port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 2_000 });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });

/**
 * The shared infrastructure. When its three ports answer it is used as it is; when none does,
 * nothing runs and scripts/infra.sh starts it at once. When only some answer, someone may be
 * restarting one: wait up to a minute before asking scripts/infra.sh to start what is missing
 * (its health probes can time out on a crowded machine, and then it would start a second server
 * that cannot bind the port).
 */
async function infrastructure(log) {
  const ports = [Number(process.env.KAFKA_PORT ?? 9092), Number(process.env.MONGO_PORT ?? 27017), Number(process.env.PG_PORT ?? 55432)];
  const deadline = Date.now() + 60_000;
  let answering = false;
  for (;;) {
    const answers = await Promise.all(ports.map(portAnswers));
    answering = answers.every(Boolean);
    if (answering || !answers.some(Boolean) || Date.now() > deadline) break;
    log(`infrastructure ports ${ports.join(', ')}: not all answer yet, waiting…`);
    await sleep(3_000);
  }
  if (!answering) execFileSync('bash', [path.join(ROOT, 'scripts', 'infra.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const env = execFileSync('bash', [path.join(ROOT, 'scripts', 'infra.sh'), 'env'], { encoding: 'utf8' });
  const value = (name) => new RegExp(`${name}=["']?([^"'\\n]+)`).exec(env)?.[1];
  return { kafkaBrokers: value('KAFKA_BROKERS') ?? '127.0.0.1:9092', mongoUrlBase: value('MONGO_URL_BASE') ?? 'mongodb://127.0.0.1:27017' };
}

/**
 * The environment of one service process, after test/support/services.ts serviceEnv, but for
 * measuring: production mode, logging at warn (off the hot path), rate limits at their maximum
 * (the load generator speaks for thousands of readers from one machine; TRUST_PROXY lets each
 * request name its reader's address in X-Forwarded-For).
 */
function serviceEnv(run, name, port, backendPorts) {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    PORT: String(port),
    KAFKA_BROKERS: run.kafkaBrokers,
    KAFKA_GROUP_ID: `${name}-bench-${run.runId}`,
    KAFKA_TOPIC_PREFIX: run.topicPrefix,
    SERVICE_AUTH_SECRET: run.serviceAuthSecret,
  };
  if (name === 'gateway') {
    Object.assign(env, {
      JWT_SECRET: run.jwtSecret,
      ARTICLES_URL: `http://127.0.0.1:${backendPorts.articles}`,
      COMMENTS_URL: `http://127.0.0.1:${backendPorts.comments}`,
      MODERATION_URL: `http://127.0.0.1:${backendPorts.moderation}`,
      TRUST_PROXY: 'true',
      // 30 s instead of 5 s: seeding imports big batches, and under overload a slow answer is
      // measured as the latency it is rather than cut into a 503 at 5 s (autocannon waits 30 s too).
      UPSTREAM_TIMEOUT_MS: '30000',
      RATE_LIMIT_READER_PER_MINUTE: '100000',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '1000000',
    });
  } else {
    env.MONGO_URL = `${run.mongoUrlBase}/${databaseOf(run, name)}`;
  }
  // Anything the operator passes as BENCH_ENV_<NAME>=value reaches every service as <NAME>.
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('BENCH_ENV_')) env[key.slice('BENCH_ENV_'.length)] = value;
  return env;
}

const databaseOf = (run, service) => `bench_${run.runId}_${service}`;

/**
 * Starts `instances` copies of every service: copy i of the gateway talks to copy i of each
 * backend over HTTP (one "lane" per instance), while every copy of a backend joins the same
 * consumer group, so Kafka shares the partitions among them. The load generator spreads its
 * connections over the gateways.
 */
async function startSystem({ instances, build, log, root = ROOT, label = 'candidate' }) {
  const infra = await infrastructure(log);
  const gatewayMain = path.join(root, 'dist', 'apps', 'gateway', 'src', 'main.js');
  if (build || !fs.existsSync(gatewayMain)) {
    log(`building ${label} (npm run build)…`);
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const run = {
    runId,
    topicPrefix: `bench-${runId}.`,
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrlBase: infra.mongoUrlBase,
    jwtSecret: randomBytes(32).toString('hex'),
    serviceAuthSecret: randomBytes(32).toString('hex'),
    logDir: path.join(ROOT, '.infra', 'logs', 'bench', runId),
    root,
    label,
    processes: [],
    gateways: [],
    started: true,
  };
  fs.mkdirSync(run.logDir, { recursive: true });
  const spawnService = (name, port, backendPorts, index) => {
    const logFile = path.join(run.logDir, `${name}-${index}.log`);
    const fd = fs.openSync(logFile, 'a');
    // BENCH_NODE_ARGS: flags for every service's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": a
    // V8 CPU profile per process, written when it stops; NODE_OPTIONS refuses those flags).
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist', 'apps', name, 'src', 'main.js')], {
      cwd: root,
      env: serviceEnv(run, name, port, backendPorts),
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    run.processes.push({ name: `${name}-${index}`, service: name, pid: child.pid, port, child, logFile });
    return child;
  };
  // Backends first: the first instance of each creates its topics before a second one joins.
  try {
    await startLanes(run, instances, spawnService);
  } catch (error) {
    // Not returned, so nobody else could stop them: what this call started goes with it.
    await stopSystem(run);
    throw error;
  }
  return run;
}

async function startLanes(run, instances, spawnService) {
  for (let i = 0; i < instances; i++) {
    const ports = {};
    for (const name of BACKENDS) ports[name] = await freePort();
    const children = BACKENDS.map((name) => spawnService(name, ports[name], null, i + 1));
    // 240 s each: on a crowded machine (load 30 on 2 cores) a Nest boot takes minutes.
    await Promise.all(BACKENDS.map((name, k) => waitReady(ports[name], 240_000, children[k])));
    const gatewayPort = await freePort();
    const gateway = spawnService('gateway', gatewayPort, ports, i + 1);
    await waitReady(gatewayPort, 240_000, gateway);
    run.gateways.push(`http://127.0.0.1:${gatewayPort}`);
  }
}

/** A system someone else runs: the JWT secret comes from JWT_SECRET or .infra/jwt-secret, as scripts/token.js does. */
function existingSystem(urls) {
  const secretFile = path.join(ROOT, '.infra', 'jwt-secret');
  const jwtSecret = process.env.JWT_SECRET || (fs.existsSync(secretFile) && fs.readFileSync(secretFile, 'utf8').trim());
  if (!jwtSecret) throw new Error('--url needs the system\'s JWT secret: set JWT_SECRET (or keep it in .infra/jwt-secret as `npm start` does)');
  return {
    runId: `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`,
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    mongoUrlBase: null,
    jwtSecret,
    processes: [],
    gateways: urls.map((url) => url.replace(/\/+$/, '')),
    started: false,
  };
}

/** SIGTERM to every process this run started (graceful shutdown), SIGKILL after 15 s. */
async function stopSystem(run) {
  if (!run || !run.started) return;
  const alive = run.processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  for (const p of alive) p.child.kill('SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive.some((p) => p.child.exitCode === null && p.child.signalCode === null) && Date.now() < deadline) await sleep(100);
  for (const p of alive) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

/** Stops immediately (on a second Ctrl-C or at process exit). */
function killSystemNow(run) {
  if (!run || !run.started) return;
  for (const p of run.processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

/** Drops the run's databases (its topics stay in the broker, named bench-<runId>.*). */
async function dropDatabases(run) {
  if (!run || !run.started) return [];
  const { MongoClient } = require('mongodb');
  const client = new MongoClient(run.mongoUrlBase, { serverSelectionTimeoutMS: 5_000 });
  const dropped = [];
  try {
    await client.connect();
    for (const name of BACKENDS) {
      // Bounded: on a crowded FerretDB a drop can wait a long time for its metadata lock.
      const drop = client.db(databaseOf(run, name)).dropDatabase();
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`dropping ${databaseOf(run, name)} took over 120 s; left in place`)), 120_000).unref());
      await Promise.race([drop, timeout]);
      dropped.push(databaseOf(run, name));
    }
  } finally {
    await client.close();
  }
  return dropped;
}

module.exports = { startSystem, existingSystem, stopSystem, killSystemNow, dropDatabases, ROOT };
