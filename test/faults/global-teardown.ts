import fs from 'node:fs';
import path from 'node:path';
import { stopProcess, system } from '../support/services';
import { infra } from './stack';

/** Stops every service process of the run, then the private stack (only what infra.sh started there). */
export default async function globalTeardown(): Promise<void> {
  const sut = system();
  const pidFile = path.join(sut.logDir, 'pids');
  const pids = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  await Promise.all(pids.map((pid) => stopProcess(pid)));
  if (process.env.FAULTS_KEEP_STACK !== '1') process.stdout.write(infra('down'));
}
