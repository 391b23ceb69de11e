import fs from 'node:fs';
import path from 'node:path';
import { Infrastructure } from './infrastructure';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { databaseOf, stopProcess, system, SystemUnderTest, topicPrefixOf } from './services';

/**
 * Stops every service process the run started (graceful first); containers too, if any. Then
 * drops the run's databases and topics (E2E_KEEP_DATA=1 keeps them, with the logs, for a look):
 * a developer's FerretDB slows down as runs pile up databases.
 */
export default async function globalTeardown(): Promise<void> {
  const sut = system();
  const pidFile = path.join(sut.logDir, 'pids');
  const pids = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number) : [];
  await Promise.all(pids.map((pid) => stopProcess(pid)));
  if (process.env.E2E_KEEP_DATA !== '1') await dropRunData(sut).catch((error) => console.warn(`could not drop the run's data: ${(error as Error).message}`));
  await (globalThis as { __INFRA__?: Infrastructure }).__INFRA__?.stop?.();
}

async function dropRunData(sut: SystemUnderTest): Promise<void> {
  const deadline = <T>(work: Promise<T>) =>
    Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 30_000).unref())]);
  const client = new MongoClient(sut.mongoUrlBase, { serverSelectionTimeoutMS: 5_000 });
  try {
    await deadline(client.connect());
    for (const service of ['articles', 'comments', 'moderation'] as const) await deadline(client.db(databaseOf(sut, service)).dropDatabase());
  } finally {
    await client.close();
  }
  const admin = new Kafka({ brokers: sut.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await deadline(admin.connect());
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefixOf(sut)));
    if (topics.length) await deadline(admin.deleteTopics({ topics }));
  } finally {
    await admin.disconnect();
  }
}
