import { createHash } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { withDatabase } from './mongo';
import { system, topicPrefixOf } from './services';

/** Per collection of each service's database: document count and a hash of every document. */
export type StateSnapshot = Record<string, string>;

const SERVICES_WITH_DATA = ['articles', 'comments', 'moderation'] as const;

/**
 * What the run has stored: every collection of every service database (count + hash of the
 * documents in _id order) and the end offset of every partition of every topic of the run
 * (dead-letter topics included). Equal snapshots mean nothing was written or published.
 */
export async function snapshotState(): Promise<StateSnapshot> {
  const snapshot: StateSnapshot = {};
  for (const service of SERVICES_WITH_DATA) {
    await withDatabase(service, async (db) => {
      for (const { name } of await db.listCollections().toArray()) {
        const docs = await db.collection(name).find({}).toArray();
        docs.sort((a, b) => (String(a._id) < String(b._id) ? -1 : String(a._id) > String(b._id) ? 1 : 0));
        snapshot[`db ${service}.${name}`] = `${docs.length} docs, ${createHash('sha256').update(JSON.stringify(docs)).digest('hex').slice(0, 16)}`;
      }
    });
  }
  const kafka = new Kafka({ clientId: 'e2e-snapshot', brokers: system().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const prefix = topicPrefixOf(system());
    for (const topic of (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort()) {
      const offsets = await admin.fetchTopicOffsets(topic);
      snapshot[`topic ${topic.slice(prefix.length)}`] = offsets
        .sort((a, b) => a.partition - b.partition)
        .map((o) => o.high)
        .join(',');
    }
  } finally {
    await admin.disconnect();
  }
  return snapshot;
}

/** Entries that differ between two snapshots, as "key: before → after". */
export const differences = (before: StateSnapshot, after: StateSnapshot) =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).map((k) => `${k}: ${before[k] ?? '(none)'} → ${after[k] ?? '(none)'}`);

/**
 * Waits until two snapshots in a row are equal: events of the test's own setup (and earlier
 * suites) still travelling would otherwise look like changes made by the requests under test.
 */
export async function settledState(timeoutMs = 30_000, intervalMs = 1_500): Promise<StateSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let previous = await snapshotState();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const current = await snapshotState();
    if (!differences(previous, current).length) return current;
    if (Date.now() > deadline) throw new Error(`state did not settle in ${timeoutMs} ms: ${differences(previous, current).join('; ')}`);
    previous = current;
  }
}
