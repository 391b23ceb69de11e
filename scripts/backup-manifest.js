// What scripts/backup.js writes and scripts/restore.js reads: where the system is (from the
// environment, as the services have it), the manifest's shape, its checksum and its validation,
// and the Kafka positions (topic ends, consumer groups' committed offsets).
//
// A backup directory:
//   manifest.json                   format, version, counts, sha256 of every file, Kafka positions, checksum
//   <service>/<collection>.ndjson   one document a line, canonical Extended JSON (types kept: dates, longs, binaries)
//
// Environment (the same names the services and the Helm chart use):
//   MONGO_URL_ARTICLES, MONGO_URL_COMMENTS, MONGO_URL_MODERATION   each service's database
//     (default: $MONGO_URL_BASE/<service>, MONGO_URL_BASE defaulting to mongodb://127.0.0.1:27017, as `npm start`)
//   KAFKA_BROKERS (127.0.0.1:9092), KAFKA_TOPIC_PREFIX (empty)
//   KAFKA_GROUP_ID_ARTICLES, KAFKA_GROUP_ID_COMMENTS, KAFKA_GROUP_ID_MODERATION   (default: the service's name)
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
// The driver mongoose ships with: present in the production install too (mongodb itself is a dev dependency).
const { mongo } = require('mongoose');

const { EJSON } = mongo.BSON;
const FORMAT = 'comment-platform-backup';
const VERSION = 1;
const SERVICES = ['articles', 'comments', 'moderation'];
// libs/contracts TOPICS and deadLetterTopic; libs/kafka redriveGroupOf.
const EVENT_TOPICS = ['articles.events', 'comments.events', 'moderation.events'];
const dlqTopicOf = (group) => `${group}.dlq`;
const redriveGroupOf = (group) => `${group}.dlq.redrive`;

/** Where the system is, from the environment (see the header). */
function systemFromEnv(env = process.env) {
  const base = (env.MONGO_URL_BASE || 'mongodb://127.0.0.1:27017').replace(/\/+$/, '');
  const upper = (service) => service.toUpperCase();
  return {
    databases: Object.fromEntries(SERVICES.map((s) => [s, env[`MONGO_URL_${upper(s)}`] || `${base}/${s}`])),
    kafka: {
      brokers: (env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
      prefix: env.KAFKA_TOPIC_PREFIX || '',
      groups: Object.fromEntries(SERVICES.map((s) => [s, env[`KAFKA_GROUP_ID_${upper(s)}`] || s])),
    },
  };
}

/** A client for one service's database URL; its database is the one the URL names. */
async function connect(url) {
  // Retryable writes need sessions, which FerretDB 1.x lacks (as the services' own connections).
  const client = new mongo.MongoClient(url, { retryWrites: false, serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  return client;
}

// Not data: the readiness probe's one document (libs/persistence write-concern.health.ts), rewritten by every probe.
const NOT_DATA = new Set(['health_probes']);

/** The collections of a database that hold data (no views, no system collections, no probe), by name. */
async function dataCollections(db) {
  const all = await db.listCollections({}, { nameOnly: false }).toArray();
  return all
    .filter((c) => (c.type ?? 'collection') === 'collection' && !c.name.startsWith('system.') && !NOT_DATA.has(c.name))
    .map((c) => c.name)
    .sort();
}

/**
 * Per topic of the system that exists: each partition's oldest kept and next offset; per
 * service's consumer group (and its dead-letter re-drive group): the committed offset of each
 * partition it has committed on (-1 = none) and its lag; the dead letters waiting.
 */
async function kafkaPositions(admin, kafka) {
  const existing = new Set(await admin.listTopics());
  const logical = [...EVENT_TOPICS, ...SERVICES.map((s) => dlqTopicOf(kafka.groups[s]))];
  const topics = {};
  for (const name of logical) {
    const topic = kafka.prefix + name;
    if (!existing.has(topic)) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    topics[name] = offsets.sort((a, b) => a.partition - b.partition).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
  }
  const committedOf = async (groupId, names) => {
    const present = names.filter((n) => topics[n]);
    if (!present.length) return {};
    const answer = await admin.fetchOffsets({ groupId, topics: present.map((n) => kafka.prefix + n) });
    return Object.fromEntries(
      answer.map(({ topic, partitions }) => [
        topic.slice(kafka.prefix.length),
        partitions.sort((a, b) => a.partition - b.partition).map((p) => ({ partition: p.partition, offset: Number(p.offset) })),
      ]),
    );
  };
  const lagOf = (committed) => {
    let lag = 0;
    for (const [name, partitions] of Object.entries(committed)) {
      for (const { partition, offset } of partitions) {
        // A group that never committed on a topic does not consume it (every consumed event is committed, handled or skipped).
        if (offset < 0) continue;
        const end = topics[name].find((p) => p.partition === partition);
        lag += Math.max(0, end.high - offset);
      }
    }
    return lag;
  };
  const groups = {};
  for (const service of SERVICES) {
    const group = kafka.groups[service];
    const dlq = dlqTopicOf(group);
    const committed = await committedOf(group, EVENT_TOPICS);
    const redrive = await committedOf(redriveGroupOf(group), [dlq]);
    let deadLetters = 0;
    for (const p of topics[dlq] ?? []) {
      const done = redrive[dlq]?.find((r) => r.partition === p.partition)?.offset ?? -1;
      deadLetters += Math.max(0, p.high - Math.max(p.low, done));
    }
    groups[service] = { group, committed, lag: lagOf(committed), redrive, deadLetters };
  }
  return { prefix: kafka.prefix, topics, groups };
}

/** Messages in the system's topics (dead-letter topics included): 0 for topics that do not exist yet. */
const messagesIn = (positions) =>
  Object.fromEntries(Object.entries(positions.topics).map(([name, partitions]) => [name, partitions.reduce((sum, p) => sum + (p.high - p.low), 0)]));

/** The checksum of a manifest: sha256 of its JSON without the checksum field. */
function checksumOf(manifest) {
  const { checksum: _ignored, ...rest } = manifest;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

class ManifestError extends Error {}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;

/**
 * Reads and checks a backup directory without touching any database: the manifest's format,
 * version, shape and checksum, then every data file's line count, sha256 and that each line
 * is a document. Throws a ManifestError naming what is wrong.
 */
async function readBackup(dir) {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw new ManifestError(`${file} not found: not a backup directory (or the backup did not finish)`);
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${file} is not JSON: ${error.message}`);
  }
  if (manifest?.format !== FORMAT) throw new ManifestError(`${file}: format is ${JSON.stringify(manifest?.format)}, expected "${FORMAT}"`);
  if (manifest.version !== VERSION) throw new ManifestError(`${file}: version ${manifest.version} is not supported (this tool reads version ${VERSION})`);
  if (manifest.checksum !== checksumOf(manifest)) throw new ManifestError(`${file}: checksum does not match its content (edited or damaged)`);
  for (const service of SERVICES) {
    const collections = manifest.databases?.[service]?.collections;
    if (!Array.isArray(collections)) throw new ManifestError(`${file}: no collection list for ${service}`);
    for (const c of collections) {
      if (!SAFE_NAME.test(c.name ?? '') || c.file !== `${service}/${c.name}.ndjson` || !Number.isInteger(c.count) || !/^[0-9a-f]{64}$/.test(c.sha256 ?? '') || !Array.isArray(c.indexes)) {
        throw new ManifestError(`${file}: bad entry for ${service}: ${JSON.stringify(c).slice(0, 200)}`);
      }
      await verifyDataFile(dir, c);
    }
  }
  return manifest;
}

async function verifyDataFile(dir, entry) {
  const file = path.join(dir, entry.file);
  if (!fs.existsSync(file)) throw new ManifestError(`${entry.file} is missing`);
  const hash = createHash('sha256');
  let lines = 0;
  const input = fs.createReadStream(file);
  input.on('data', (chunk) => hash.update(chunk));
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    lines++;
    try {
      const doc = EJSON.parse(line, { relaxed: false });
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a document');
    } catch (error) {
      throw new ManifestError(`${entry.file} line ${lines}: ${error.message}`);
    }
  }
  if (lines !== entry.count) throw new ManifestError(`${entry.file}: ${lines} documents, the manifest says ${entry.count}`);
  const sha256 = hash.digest('hex');
  if (sha256 !== entry.sha256) throw new ManifestError(`${entry.file}: sha256 ${sha256} does not match the manifest's ${entry.sha256}`);
}

/** `--name value` and `--flag` arguments. */
function parseArgs(argv, { values = [], flags = [] }) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (values.includes(name) && argv[i].startsWith('--') && i + 1 < argv.length) out[name] = argv[++i];
    else if (flags.includes(name) && argv[i].startsWith('--')) out[name] = true;
    else throw new ManifestError(`unknown argument ${argv[i]}`);
  }
  return out;
}

module.exports = {
  EJSON,
  EVENT_TOPICS,
  FORMAT,
  ManifestError,
  SERVICES,
  VERSION,
  checksumOf,
  connect,
  dataCollections,
  dlqTopicOf,
  kafkaPositions,
  messagesIn,
  parseArgs,
  readBackup,
  systemFromEnv,
};
