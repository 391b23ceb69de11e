import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TOPICS } from '@app/contracts';
import { api } from '../support/api';
import { produce } from '../support/kafka';
import { freePort, ServiceName, startService, stopProcess, system, tailLog, waitReady } from '../support/services';
import { Load, post, publishStory } from './load';
import { reconcile, Reconciliation } from './reconcile';
import { Component, infra } from './stack';

/**
 * Faults under load, one after another on one system: each service killed with SIGKILL and
 * restarted; the broker restarted; the database restarted (FerretDB, and PostgreSQL under it); two
 * instances of comments and moderation with one of each killed. After each, the reconciliation
 * (reconcile.ts) must find nothing lost, nothing doubled, nothing stuck. Timings are printed, not
 * asserted (a shared 2-core machine).
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  scenario: string;
  accepted: number;
  lost: number;
  duplicated: number;
  recoverMs: number;
  reconcileMs: number;
}
const rows: Row[] = [];
/** Every poison message injected so far: the only thing dead-letter topics may hold. */
const poison = new Set<string>();
/** The current process of each service (restarts replace them). */
const pids = new Map<ServiceName, number>();

async function restartService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL') {
  const sut = system();
  await stopProcess(pids.get(name) ?? sut.pids[name], signal);
  await sleep(1_000);
  pids.set(name, startService(sut, name).pid!);
  await waitReady(sut.ports[name], 120_000);
}

async function restartComponent(component: Component) {
  infra('restart', component);
  // The services find their broker/database again by themselves; wait until each says so.
  const sut = system();
  await Promise.all((['articles', 'comments', 'moderation', 'gateway'] as ServiceName[]).map((name) => waitReady(sut.ports[name], 120_000)));
}

/** Malformed events on every topic, keyed like the scenario's stories (same partitions). */
async function injectPoison(story: string, scenario: string) {
  for (const topic of [TOPICS.ARTICLES, TOPICS.COMMENTS, TOPICS.MODERATION]) {
    const value = `{"poison": "${scenario}", "id": "${randomUUID()}"`;
    poison.add(value);
    await produce(topic, [{ key: story, value }]);
  }
}

/** From the fault until a comment posted after it has gone all the way: stored, decided, visible. */
async function probe(story: string, load: Load, scenario: string, since: number): Promise<number> {
  const comment = await post(story, 'clean', 180_000);
  if (!comment) throw new Error(`${scenario}: the probe comment was refused`);
  load.accepted.set(comment.id, comment);
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(200)) {
    if ((await api('GET', `/api/v1/comments/${comment.id}`).catch(() => ({ status: 0 }))).status === 200) return Date.now() - since;
  }
  throw new Error(`${scenario}: the probe comment was not approved within 180 s of the fault`);
}

async function underLoad(scenario: string, fault: () => Promise<void>): Promise<void> {
  const stories = [await publishStory(), await publishStory(), await publishStory()];
  const lifecycle = await publishStory();
  const load = new Load(stories, lifecycle);
  load.start();
  await sleep(4_000);
  await injectPoison(stories[0], scenario);
  const faultAt = Date.now();
  await fault();
  const recoverMs = await probe(stories[1], load, scenario, faultAt);
  await sleep(3_000);
  await load.stop();
  await load.settle();

  const reconcileFrom = Date.now();
  let result: Reconciliation;
  let pending = false;
  for (;;) {
    result = await reconcile([...load.accepted.values()], load.approvedByModerator, [...stories, lifecycle], poison);
    const clean = !result.lost.length && !result.duplicated.length && !result.problems.length;
    if (clean || Date.now() - reconcileFrom > 120_000) break;
    if (!pending) console.log(`${scenario}: not reconciled yet: ${[...result.lost, ...result.duplicated, ...result.problems].slice(0, 5).join('; ')}`);
    pending = true;
    await sleep(2_000);
  }
  rows.push({ scenario, accepted: result.accepted, lost: result.lost.length, duplicated: result.duplicated.length, recoverMs, reconcileMs: Date.now() - reconcileFrom });
  console.log(`${scenario}: ${result.accepted} accepted, ${load.approvedByModerator.size} approved by a moderator, ${load.transitions} thread transitions; recovered in ${recoverMs} ms`);
  if (result.lost.length || result.duplicated.length || result.problems.length) {
    const sut = system();
    for (const name of ['comments', 'moderation'] as ServiceName[]) console.error(`--- ${name} log ---\n${tailLog(sut, name, 30)}`);
  }
  expect(result.lost.slice(0, 20)).toEqual([]);
  expect(result.duplicated.slice(0, 20)).toEqual([]);
  expect(result.problems.slice(0, 20)).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
}

describe('faults under load: nothing accepted is lost or doubled', () => {
  afterAll(() => {
    const header = ['scenario', 'accepted', 'lost', 'duplicated', 'time to recover', 'reconciled after'];
    const lines = rows.map((r) => [r.scenario, String(r.accepted), String(r.lost), String(r.duplicated), `${(r.recoverMs / 1000).toFixed(1)} s`, `${(r.reconcileMs / 1000).toFixed(1)} s`]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    const table = [format(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
    fs.writeFileSync(path.join(system().logDir, 'faults-table.md'), `${table}\n`);
    console.log(`\nfault injection under load (time to recover: from the fault until a new comment is approved end to end)\n${table}\n`);
  });

  for (const name of ['gateway', 'articles', 'comments', 'moderation'] as ServiceName[]) {
    it(`kill -9 ${name} mid-stream, then restart it`, () => underLoad(`kill -9 ${name}`, () => restartService(name)));
  }

  it('restart the Kafka broker', () => underLoad('restart kafka', () => restartComponent('kafka')));
  it('restart FerretDB', () => underLoad('restart ferretdb', () => restartComponent('ferretdb')));
  it('restart PostgreSQL under FerretDB', () => underLoad('restart postgresql', () => restartComponent('postgresql')));

  it('two instances of comments and moderation, kill -9 one of each', async () => {
    const sut = system();
    const extra = new Map<ServiceName, number>();
    for (const name of ['comments', 'moderation'] as ServiceName[]) {
      const port = await freePort();
      extra.set(name, startService(sut, name, port).pid!);
      await waitReady(port, 120_000);
    }
    await underLoad('2 instances, kill -9 one', async () => {
      // Both instances hold partitions by now (they joined before the load began).
      await Promise.all([...extra.values()].map((pid) => stopProcess(pid, 'SIGKILL')));
    });
  });
});
