#!/usr/bin/env node
// Restores a backup of scripts/backup.js into an empty system (docs/operations.md, "Backup and
// restore"; the format and the environment: scripts/backup-manifest.js). Run it with the
// services stopped, then start them.
//
//   npm run restore -- --from <dir> [--force]
//
// 1. Checks the whole backup before touching anything: the manifest's format, version and
//    checksum, and every data file's sha256, count and documents. Any fault: a clear error, exit 1,
//    nothing changed.
// 2. Checks that the target is empty: no document in any collection of the three databases, and
//    no message in the system's topics (KAFKA_TOPIC_PREFIX). Else refuses, nothing changed, unless
//    --force: then it drops the three databases first and leaves Kafka as it is (see below).
// 3. Per collection: creates it and its indexes (the services' own at start then find them), and
//    inserts the documents in batches, streaming the file; then checks the counts.
//
// Kafka positions are not restored onto the new log, on purpose: offsets are positions in a log,
// and the restored system's topics are new (nothing in them), so the old offsets name messages
// that do not exist. The databases are the source of truth: the services' groups start at the
// beginning of their new, empty topics; events still pending in the restored outboxes are
// published by the relays' pollers at start; consumers are idempotent by state, so a repeat of
// an event the backup already reflects changes nothing. The manifest keeps the old positions
// (end offsets, committed offsets, lag) as the record of how settled the backup was.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { Kafka, logLevel } = require('kafkajs');
const m = require('./backup-manifest');

const BATCH = 1000;
// Index options a restore carries over (what listIndexes reports beyond key and name).
const INDEX_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'weights', 'default_language', 'language_override'];

async function main() {
  const args = m.parseArgs(process.argv.slice(2), { values: ['from'], flags: ['force'] });
  if (!args.from) throw new m.ManifestError('usage: npm run restore -- --from <dir> [--force]');
  const dir = path.resolve(args.from);
  const started = Date.now();
  const manifest = await m.readBackup(dir);
  if (!manifest.settled) console.warn(`restore: this backup was taken unsettled (${manifest.problems.join('; ')}): the pollers and the reconciler repair what they can`);
  const system = m.systemFromEnv();
  const kafka = new Kafka({ clientId: 'restore-cli', brokers: system.kafka.brokers, logLevel: logLevel.WARN, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  const clients = {};
  try {
    for (const service of m.SERVICES) clients[service] = await m.connect(system.databases[service]);
    const used = await targetInUse(clients, admin, system);
    if (used.length && !args.force) {
      throw new m.ManifestError(`the target is not empty, nothing changed: ${used.join('; ')}. Restore into an empty system (new databases, new KAFKA_TOPIC_PREFIX or deleted topics), or pass --force to drop the three databases first`);
    }
    if (used.length) {
      console.warn(`restore: --force: dropping the target databases (${used.join('; ')}); Kafka topics and groups are left as they are`);
      for (const service of m.SERVICES) await clients[service].db().dropDatabase();
    }
    for (const service of m.SERVICES) {
      const db = clients[service].db();
      const restored = [];
      for (const entry of manifest.databases[service].collections) {
        await restoreCollection(db, dir, entry);
        restored.push(`${entry.name} ${entry.count}`);
      }
      console.log(`${service} → ${db.databaseName}: ${restored.join(', ') || 'nothing'}`);
    }
    const pending = m.SERVICES.flatMap((s) => manifest.databases[s].collections).reduce((sum, c) => sum + c.outboxPending, 0);
    console.log(
      `kafka: positions not carried over (a new log); the services' groups start at the beginning of ${system.kafka.prefix || '(no prefix)'} topics; ` +
        `${pending} documents with unpublished events go out through the outbox pollers at start`,
    );
    console.log(`restored ${dir} (backup of ${manifest.createdAt}) in ${Date.now() - started} ms`);
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    await admin.disconnect();
  }
}

/** What the target already holds: documents in its databases, messages in its topics. */
async function targetInUse(clients, admin, system) {
  const used = [];
  for (const service of m.SERVICES) {
    const db = clients[service].db();
    for (const name of await m.dataCollections(db)) {
      if (await db.collection(name).findOne({}, { projection: { _id: 1 } })) used.push(`${db.databaseName}.${name} has documents`);
    }
  }
  const positions = await m.kafkaPositions(admin, system.kafka);
  for (const [topic, count] of Object.entries(m.messagesIn(positions))) if (count) used.push(`topic ${system.kafka.prefix}${topic} has ${count} messages`);
  return used;
}

async function restoreCollection(db, dir, entry) {
  const existing = await m.dataCollections(db);
  if (!existing.includes(entry.name)) await db.createCollection(entry.name);
  const collection = db.collection(entry.name);
  if (entry.indexes.length) {
    await collection.createIndexes(
      entry.indexes.map((index) => ({ key: index.key, name: index.name, ...Object.fromEntries(INDEX_OPTIONS.filter((o) => o in index).map((o) => [o, index[o]])) })),
    );
  }
  let batch = [];
  const input = fs.createReadStream(path.join(dir, entry.file));
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    batch.push(m.EJSON.parse(line, { relaxed: false }));
    if (batch.length >= BATCH) {
      await collection.insertMany(batch, { ordered: true });
      batch = [];
    }
  }
  if (batch.length) await collection.insertMany(batch, { ordered: true });
  const count = await collection.countDocuments({});
  if (count !== entry.count) throw new Error(`${db.databaseName}.${entry.name}: ${count} documents after the restore, the backup has ${entry.count}`);
}

main().catch((error) => {
  console.error(`restore: ${error instanceof m.ManifestError ? error.message : error.stack}`);
  process.exit(1);
});
