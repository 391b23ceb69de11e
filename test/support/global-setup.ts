import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { provideInfrastructure, ROOT } from './infrastructure';
import { launchSystem, publishSystem } from './services';

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
  const sut = await launchSystem({
    kafkaBrokers: infra.kafkaBrokers,
    mongoUrlBase: infra.mongoUrlBase,
    logRoot: path.join(ROOT, '.infra', 'logs', 'e2e'),
    startedAt: started,
  });
  publishSystem(sut);
  (globalThis as { __INFRA__?: unknown }).__INFRA__ = infra;
  console.log(`\ne2e system ready in ${Date.now() - started} ms (${infra.source} infrastructure; run ${sut.runId}; logs in ${path.relative(ROOT, sut.logDir)})`);
}
