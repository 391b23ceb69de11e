import fs from 'node:fs';
import path from 'node:path';
import { Infrastructure } from './infrastructure';
import { stopProcess, system } from './services';

/** Stops every service process the run started (graceful first); containers too, if any. */
export default async function globalTeardown(): Promise<void> {
  const sut = system();
  const pidFile = path.join(sut.logDir, 'pids');
  const pids = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  await Promise.all(pids.map((pid) => stopProcess(pid)));
  await (globalThis as { __INFRA__?: Infrastructure }).__INFRA__?.stop?.();
}
