import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './infrastructure';

export type ServiceName = 'gateway' | 'articles' | 'comments' | 'moderation';
export const SERVICES: ServiceName[] = ['articles', 'comments', 'moderation', 'gateway'];

/** Everything a test needs to reach the system the global setup started. */
export interface SystemUnderTest {
  runId: string;
  /** When the global setup began: tests read topics from here on, not their whole history. */
  startedAt: number;
  kafkaBrokers: string;
  mongoUrlBase: string;
  jwtSecret: string;
  /** The key the gateway signs its calls to the services with (SERVICE_AUTH_SECRET). */
  serviceAuthSecret: string;
  ports: Record<ServiceName, number>;
  pids: Record<ServiceName, number>;
  logDir: string;
  /** Settings every service of this system gets on top of the test defaults (e.g. the fault suite's). */
  env?: Record<string, string>;
  /** A free port for the widget's demo host page (a second origin, allowed by the gateway's CORS_ORIGINS). */
  demoPort?: number;
}

const SYSTEM_ENV = 'E2E_SYSTEM';

export const publishSystem = (system: SystemUnderTest) => (process.env[SYSTEM_ENV] = JSON.stringify(system));

export function system(): SystemUnderTest {
  const raw = process.env[SYSTEM_ENV];
  if (!raw) throw new Error('E2E_SYSTEM is not set: run e2e tests through jest (the global setup starts the system)');
  return JSON.parse(raw) as SystemUnderTest;
}

export const topicPrefixOf = (sut: SystemUnderTest) => `e2e-${sut.runId}.`;

export const databaseOf = (sut: SystemUnderTest, service: Exclude<ServiceName, 'gateway'>) => `e2e_${sut.runId}_${service}`;
/**
 * Each run has its own topics (KAFKA_TOPIC_PREFIX), consumer groups and databases: runs sharing
 * a developer's broker never see each other's events, and a run never replays older history.
 */
export const consumerGroupOf = (sut: SystemUnderTest, service: ServiceName) => `${service}-e2e-${sut.runId}`;

/** The text that makes this run's moderation exit while reviewing (TEST_CRASH_ON_BODY). */
export const crashBodyOf = (sut: SystemUnderTest) => `crash-on-review-${sut.runId}`;

/** The environment a service process gets in tests: short intervals so nothing waits long. */
export function serviceEnv(sut: SystemUnderTest, name: ServiceName, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    PORT: String(port),
    KAFKA_BROKERS: sut.kafkaBrokers,
    KAFKA_GROUP_ID: consumerGroupOf(sut, name),
    KAFKA_TOPIC_PREFIX: topicPrefixOf(sut),
    KAFKA_RETRY_BACKOFF_MS: '50',
    KAFKA_HANDLER_ATTEMPTS: '3',
    OUTBOX_POLL_MS: '500',
    // Fast failover when a test kills a service.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    THREAD_SWEEP_INTERVAL_MS: '500',
    // The reconciler looks every second (comments left pending past COMMENTS_PENDING_MAX_AGE_MS, 10 min).
    COMMENTS_RECONCILE_INTERVAL_MS: '1000',
    SERVICE_AUTH_SECRET: sut.serviceAuthSecret,
  };
  // Test-only: a comment with this text makes moderation exit (recovery.e2e-spec, poison message).
  if (name === 'moderation') env.TEST_CRASH_ON_BODY = crashBodyOf(sut);
  if (name === 'gateway') {
    Object.assign(env, {
      JWT_SECRET: sut.jwtSecret,
      ARTICLES_URL: `http://127.0.0.1:${sut.ports.articles}`,
      COMMENTS_URL: `http://127.0.0.1:${sut.ports.comments}`,
      MODERATION_URL: `http://127.0.0.1:${sut.ports.moderation}`,
      // Tests speak for many clients: each call's X-Forwarded-For is its client address.
      TRUST_PROXY: 'true',
      RATE_LIMIT_READER_PER_MINUTE: '20',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '40',
      ...(sut.demoPort ? { CORS_ORIGINS: `http://127.0.0.1:${sut.demoPort}` } : {}),
    });
  } else {
    env.MONGO_URL = `${sut.mongoUrlBase}/${databaseOf(sut, name)}`;
  }
  return { ...env, ...sut.env };
}

/** Starts one service from the build, logging to a file; its pid is recorded for teardown. */
export function startService(sut: SystemUnderTest, name: ServiceName, port = sut.ports[name], extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
  const log = fs.openSync(path.join(sut.logDir, `${name}-${port}.log`), 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
    // extraEnv: a test's own variant of a service (e.g. a gateway checking issuer and audience).
    env: { ...serviceEnv(sut, name, port), ...extraEnv },
    stdio: ['ignore', log, log],
    // Its own process group: a service restarted by a test outlives the jest worker that
    // started it, and the global teardown stops it by the pid recorded below.
    detached: true,
  });
  child.unref();
  fs.closeSync(log);
  fs.appendFileSync(path.join(sut.logDir, 'pids'), `${child.pid}\n`);
  if (port === sut.ports[name]) fs.writeFileSync(currentPidFile(sut, name), String(child.pid));
  return child;
}

const currentPidFile = (sut: SystemUnderTest, name: ServiceName) => path.join(sut.logDir, `${name}.current-pid`);

/**
 * The process now serving `name` on its own port: the newest one any suite started there (a
 * restart in one file replaces the global setup's process for every file after it; E2E_SYSTEM's
 * pids are only the first ones).
 */
export function currentPid(sut: SystemUnderTest, name: ServiceName): number {
  const file = currentPidFile(sut, name);
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : sut.pids[name];
}

/**
 * Starts the four services of a new run on free ports against the given broker and database and
 * waits until each is ready; on failure shows their logs. The caller publishes it (publishSystem).
 */
export async function launchSystem(options: {
  kafkaBrokers: string;
  mongoUrlBase: string;
  logRoot: string;
  startedAt?: number;
  env?: Record<string, string>;
}): Promise<SystemUnderTest> {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logDir = path.join(options.logRoot, runId);
  fs.mkdirSync(logDir, { recursive: true });
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICES) ports[name] = await freePort();
  const sut: SystemUnderTest = {
    runId,
    startedAt: options.startedAt ?? Date.now(),
    kafkaBrokers: options.kafkaBrokers,
    mongoUrlBase: options.mongoUrlBase,
    jwtSecret: randomBytes(32).toString('hex'),
    serviceAuthSecret: randomBytes(32).toString('hex'),
    ports,
    pids: {} as Record<ServiceName, number>,
    logDir,
    ...(options.env ? { env: options.env } : {}),
    demoPort: await freePort(),
  };
  for (const name of SERVICES) sut.pids[name] = startService(sut, name).pid!;
  try {
    await Promise.all(SERVICES.map((name) => waitReady(ports[name], 90_000)));
  } catch (error) {
    for (const name of SERVICES) console.error(`--- ${name} log ---\n${tailLog(sut, name)}`);
    // Jest runs no teardown after a failed setup: stop what was started, or it keeps running (and polling).
    await Promise.all(SERVICES.map((name) => stopProcess(sut.pids[name])));
    throw error;
  }
  return sut;
}

export async function waitReady(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`service on port ${port} not ready after ${timeoutMs} ms: ${last}`);
}

/** Sends a signal and waits until the process is gone. */
export async function stopProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGKILL');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tailLog(sut: SystemUnderTest, name: ServiceName, lines = 40, port = sut.ports[name]): string {
  const file = path.join(sut.logDir, `${name}-${port}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}
