import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { provideInfrastructure, ROOT } from './infrastructure';
import { freePort, publishSystem, SERVICES, ServiceName, startService, SystemUnderTest, tailLog, waitReady } from './services';

/**
 * Starts the system once for all e2e tests: infrastructure (see infrastructure.ts), then the four
 * services as real processes from the build, each on a free port with its own databases and
 * consumer groups for this run, so runs never see each other's state.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const infra = await provideInfrastructure();
  if (!fs.existsSync(path.join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js')) || process.env.E2E_BUILD === '1') {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const logDir = path.join(ROOT, '.infra', 'logs', 'e2e', runId);
  fs.mkdirSync(logDir, { recursive: true });
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICES) ports[name] = await freePort();
  const sut: SystemUnderTest = {
    runId,
    startedAt: started,
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrlBase: infra.mongoUrlBase,
    jwtSecret: randomBytes(32).toString('hex'),
    ports,
    pids: {} as Record<ServiceName, number>,
    logDir,
  };
  for (const name of SERVICES) sut.pids[name] = startService(sut, name).pid!;
  try {
    await Promise.all(SERVICES.map((name) => waitReady(ports[name], 90_000)));
  } catch (error) {
    for (const name of SERVICES) console.error(`--- ${name} log ---\n${tailLog(sut, name)}`);
    throw error;
  }
  publishSystem(sut);
  (globalThis as { __INFRA__?: unknown }).__INFRA__ = infra;
  console.log(`\ne2e system ready in ${Date.now() - started} ms (${infra.source} infrastructure; run ${runId}; logs in ${path.relative(ROOT, logDir)})`);
}
