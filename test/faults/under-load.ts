import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TOPICS } from '@app/contracts';
import { api } from '../support/api';
import { produce } from '../support/kafka';
import { ServiceName, system, tailLog } from '../support/services';
import { Load, post, publishStory } from './load';
import { Expectations, reconcile, Reconciliation } from './reconcile';

/**
 * One fault under load, judged by the reconciliation: readers post to several stories, a
 * moderator and an editor work, poison is injected, the fault happens; then a probe comment
 * times the recovery and the reconciliation must find nothing lost, doubled or stuck. Used by the
 * fault suite (faults.faults-spec.ts) and the three-broker scenarios (cluster.cluster-spec.ts).
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Row {
  scenario: string;
  accepted: number;
  lost: number;
  duplicated: number;
  recoverMs: number;
  reconcileMs: number;
  /** A paused instance's cache: from SIGCONT until it serves the change it missed. */
  convergeMs?: number;
}

/** What a fault sees of its scenario: it may add stories and expectations to the reconciliation. */
export interface Scene {
  stories: string[];
  load: Load;
  expectations: Required<Expectations>;
  convergeMs?: number;
}

export class FaultRun {
  readonly rows: Row[] = [];
  /** Every poison message injected so far: the only thing dead-letter topics may hold. */
  private readonly poison = new Set<string>();

  private async injectPoison(story: string, scenario: string) {
    for (const topic of [TOPICS.ARTICLES, TOPICS.COMMENTS, TOPICS.MODERATION]) {
      const value = `{"poison": "${scenario}", "id": "${randomUUID()}"`;
      this.poison.add(value);
      await produce(topic, [{ key: story, value }]);
    }
  }

  /** From the fault until a comment posted after it has gone all the way: stored, decided, visible. */
  private async probe(story: string, load: Load, scenario: string, since: number): Promise<number> {
    const comment = await post(story, 'clean', 180_000);
    if (!comment) throw new Error(`${scenario}: the probe comment was refused`);
    load.accepted.set(comment.id, comment);
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(200)) {
      if ((await api('GET', `/api/v1/comments/${comment.id}`).catch(() => ({ status: 0 }))).status === 200) return Date.now() - since;
    }
    throw new Error(`${scenario}: the probe comment was not approved within 180 s of the fault`);
  }

  async underLoad(scenario: string, fault: (scene: Scene) => Promise<void>): Promise<void> {
    const stories = [await publishStory(), await publishStory(), await publishStory()];
    const lifecycle = await publishStory();
    const load = new Load(stories, lifecycle);
    const scene: Scene = { stories: [...stories], load, expectations: { decidedByModerator: new Map(), crashingComments: new Set() } };
    load.start();
    let recoverMs: number;
    try {
      await sleep(4_000);
      await this.injectPoison(stories[0], scenario);
      const faultAt = Date.now();
      await fault(scene);
      recoverMs = await this.probe(stories[1], load, scenario, faultAt);
      await sleep(3_000);
    } finally {
      // Also when the fault or the probe fails: a load left running keeps jest from ever exiting.
      await load.stop();
    }
    await load.settle();

    const reconcileFrom = Date.now();
    let result: Reconciliation | undefined;
    let pending = false;
    for (;;) {
      try {
        result = await reconcile([...load.accepted.values()], load.approvedByModerator, [...scene.stories, lifecycle], this.poison, scene.expectations);
      } catch (error) {
        // A broker fault's aftermath (a leader election under way) fails the reading itself: read again.
        if (Date.now() - reconcileFrom > 120_000) throw error;
        console.log(`${scenario}: reading for the reconciliation failed (${(error as Error).message}); again`);
        await sleep(2_000);
        continue;
      }
      const clean = !result.lost.length && !result.duplicated.length && !result.problems.length;
      if (clean || Date.now() - reconcileFrom > 120_000) break;
      if (!pending) console.log(`${scenario}: not reconciled yet: ${[...result.lost, ...result.duplicated, ...result.problems].slice(0, 5).join('; ')}`);
      pending = true;
      await sleep(2_000);
    }
    if (!result) throw new Error(`${scenario}: no reconciliation`);
    this.rows.push({ scenario, accepted: result.accepted, lost: result.lost.length, duplicated: result.duplicated.length, recoverMs, reconcileMs: Date.now() - reconcileFrom, convergeMs: scene.convergeMs });
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

  /** Prints the table (and writes it next to the run's logs as `file`); a cache column when a row has one, against `cacheBoundMs`. */
  printTable(title: string, file: string, cacheBoundMs?: number): void {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const withCache = this.rows.some((r) => r.convergeMs !== undefined);
    const header = ['scenario', 'accepted', 'lost', 'duplicated', 'time to recover', 'reconciled after', ...(withCache ? ['cache converged'] : [])];
    const lines = this.rows.map((r) => [
      r.scenario,
      String(r.accepted),
      String(r.lost),
      String(r.duplicated),
      seconds(r.recoverMs),
      seconds(r.reconcileMs),
      ...(withCache ? [r.convergeMs === undefined ? '-' : `${seconds(r.convergeMs)}${cacheBoundMs ? ` (bound ${seconds(cacheBoundMs)})` : ''}`] : []),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    const table = [format(header), `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
    fs.writeFileSync(path.join(system().logDir, file), `${table}\n`);
    console.log(`\n${title}\n${table}\n`);
  }
}
