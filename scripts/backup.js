#!/usr/bin/env node
// Backs up every service's database and the Kafka positions into a directory (docs/operations.md,
// "Backup and restore"; the format and the environment: scripts/backup-manifest.js).
//
//   npm run backup -- --out <dir> [--allow-unsettled]
//
// Each collection of the articles, comments and moderation databases is streamed through a cursor
// into <dir>/<service>/<collection>.ndjson (canonical Extended JSON, one document a line), with
// its indexes, count and sha256 in <dir>/manifest.json; the manifest also holds the topics' end
// offsets and every service group's committed offsets, read before and after the dump.
//
// There are no multi-document transactions here (FerretDB), so a dump of a running system is a
// consistent picture only when nothing moved while it was taken. The backup checks it: before and
// after the dump no consumer group lags, no dead letter waits, and no topic grew. If something
// moved it dumps again (3 attempts) and then fails without writing a manifest (restore refuses a
// directory without one), unless --allow-unsettled: then the manifest records what was unsettled
// and the restore's recovery paths (outbox pollers, the pending-comment reconciler) must heal it.
// Quiesce first for a clean one: stop the gateway (no requests, no writes), wait a few seconds.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const { Kafka, logLevel } = require('kafkajs');
const m = require('./backup-manifest');

const ATTEMPTS = 3;

async function main() {
  const args = m.parseArgs(process.argv.slice(2), { values: ['out'], flags: ['allow-unsettled'] });
  if (!args.out) throw new m.ManifestError('usage: npm run backup -- --out <dir> [--allow-unsettled]');
  const out = path.resolve(args.out);
  if (fs.existsSync(out) && fs.readdirSync(out).length) throw new m.ManifestError(`${out} is not empty: back up into a new directory`);
  const system = m.systemFromEnv();
  const kafka = new Kafka({ clientId: 'backup-cli', brokers: system.kafka.brokers, logLevel: logLevel.WARN, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  const clients = {};
  try {
    for (const service of m.SERVICES) clients[service] = await m.connect(system.databases[service]);
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const before = await m.kafkaPositions(admin, system.kafka);
      fs.rmSync(out, { recursive: true, force: true });
      const databases = {};
      for (const service of m.SERVICES) databases[service] = await dumpDatabase(clients[service].db(), path.join(out, service), service);
      const after = await m.kafkaPositions(admin, system.kafka);
      const problems = unsettled(before, after);
      if (problems.length && attempt < ATTEMPTS) {
        console.error(`backup: attempt ${attempt} not settled (${problems.join('; ')}); again in 2 s`);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        continue;
      }
      if (problems.length && !args['allow-unsettled']) {
        throw new m.ManifestError(`the system did not settle in ${ATTEMPTS} attempts: ${problems.join('; ')}. No manifest written. Stop the gateway and wait, or pass --allow-unsettled`);
      }
      const manifest = {
        format: m.FORMAT,
        version: m.VERSION,
        createdAt: new Date().toISOString(),
        tookMs: Date.now() - started,
        // Names only: the connection strings carry credentials.
        source: { databases: Object.fromEntries(m.SERVICES.map((s) => [s, clients[s].db().databaseName])), kafkaPrefix: system.kafka.prefix },
        settled: problems.length === 0,
        problems,
        databases,
        kafka: { before, after },
      };
      manifest.checksum = m.checksumOf(manifest);
      fs.writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      printSummary(out, manifest);
      return;
    }
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    await admin.disconnect();
  }
}

/** Streams every collection of one database into files, a cursor at a time, with backpressure. */
async function dumpDatabase(db, dir, service) {
  fs.mkdirSync(dir, { recursive: true });
  const collections = [];
  for (const name of await m.dataCollections(db)) {
    const collection = db.collection(name);
    const indexes = (await collection.listIndexes().toArray())
      .filter((index) => index.name !== '_id_')
      .map(({ v: _v, ns: _ns, ...index }) => index);
    const file = path.join(dir, `${name}.ndjson`);
    const output = fs.createWriteStream(file);
    const hash = createHash('sha256');
    let count = 0;
    let bytes = 0;
    // Documents with events not yet published: the poller of the restored service publishes them.
    let outboxPending = 0;
    // Numbers as their BSON types (an int64 stays an int64, not a JS number written back as int32).
    for await (const doc of collection.find({}, { batchSize: 1000, promoteValues: false, bsonRegExp: true })) {
      const line = `${m.EJSON.stringify(doc, { relaxed: false })}\n`;
      hash.update(line);
      bytes += Buffer.byteLength(line);
      count++;
      if (doc.outboxPending === true || (doc.pending === true && Array.isArray(doc.outbox))) outboxPending++;
      if (!output.write(line)) await once(output, 'drain');
    }
    output.end();
    await once(output, 'finish');
    collections.push({ name, file: `${service}/${name}.ndjson`, count, bytes, sha256: hash.digest('hex'), outboxPending, indexes });
  }
  return { collections };
}

/** Why a dump between these two readings of the Kafka positions is not a consistent picture. */
function unsettled(before, after) {
  const problems = [];
  for (const service of m.SERVICES) {
    const lag = Math.max(before.groups[service].lag, after.groups[service].lag);
    if (lag) problems.push(`${before.groups[service].group} lags ${lag} events`);
    const letters = after.groups[service].deadLetters;
    if (letters) problems.push(`${letters} dead letters wait in ${before.prefix}${m.dlqTopicOf(before.groups[service].group)} (npm run dlq -- show ${before.groups[service].group})`);
  }
  const ends = (positions) => JSON.stringify(Object.entries(positions.topics).map(([t, ps]) => [t, ps.map((p) => p.high)]));
  if (ends(before) !== ends(after)) problems.push('events were published during the dump');
  return problems;
}

function printSummary(out, manifest) {
  for (const service of m.SERVICES) {
    const { collections } = manifest.databases[service];
    const docs = collections.reduce((sum, c) => sum + c.count, 0);
    console.log(`${service}: ${collections.length} collections, ${docs} documents (${collections.map((c) => `${c.name} ${c.count}`).join(', ')})`);
  }
  const messages = m.messagesIn(manifest.kafka.after);
  console.log(`kafka: ${Object.entries(messages).map(([t, n]) => `${t} ${n}`).join(', ') || 'no topics'}; lag ${m.SERVICES.map((s) => manifest.kafka.after.groups[s].lag).join('/')}`);
  console.log(`backup written to ${out} in ${manifest.tookMs} ms${manifest.settled ? '' : ` (UNSETTLED: ${manifest.problems.join('; ')})`}`);
}

main().catch((error) => {
  console.error(`backup: ${error instanceof m.ManifestError ? error.message : error.stack}`);
  process.exit(1);
});
