#!/usr/bin/env node
// Dead letters, for operators: list the dead-letter topics, show their letters, re-drive them.
//
//   npm run dlq -- list
//   npm run dlq -- show <group> [--all] [--limit N]
//   npm run dlq -- redrive <group> [--dry-run]
//
// <group> is a consumer group (comments, moderation, articles, or KAFKA_GROUP_ID); its letters are
// in `<group>.dlq` (KafkaEventServer puts them there with their origin and the error in headers).
// A re-drive sends each waiting letter back to its origin topic, with its own key, bytes and
// headers (the dlq-* ones dropped, `redriven-from` added), in chunks of up to 500, and then
// commits the chunk's offsets for the consumer group `<group>.dlq.redrive`: a letter is re-driven
// once, and a second re-drive starts after the last one's end. A crash between a send and its
// commit sends that chunk again; consumers are idempotent on the event id, so that is harmless. Do not run two re-drives of
// one group at once. A letter that fails again is dead-lettered again, as a new letter.
//
// Environment: KAFKA_BROKERS (127.0.0.1:9092), KAFKA_TOPIC_PREFIX (empty), as the services have.
'use strict';
const { Kafka, logLevel } = require('kafkajs');
const { randomBytes } = require('node:crypto');

const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
const prefix = process.env.KAFKA_TOPIC_PREFIX || '';
// The names the services use (libs/contracts deadLetterTopic, libs/kafka redriveGroupOf).
const dlqTopicOf = (group) => `${prefix}${group}.dlq`;
const redriveGroupOf = (group) => `${group}.dlq.redrive`;

const kafka = new Kafka({ clientId: 'dlq-cli', brokers, logLevel: logLevel.WARN, retry: { retries: 5 } });

function usage(message) {
  if (message) console.error(`dlq: ${message}`);
  console.error('usage: npm run dlq -- list | show <group> [--all] [--limit N] | redrive <group> [--dry-run]');
  process.exit(2);
}

/** Per partition: the oldest kept offset, the end, and where the re-drive stopped. */
async function positions(admin, group) {
  const topic = dlqTopicOf(group);
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: redriveGroupOf(group), topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.map((p) => {
    const low = Number(p.low);
    const high = Number(p.high);
    const from = Math.max(low, done.get(p.partition) ?? -1);
    return { partition: p.partition, low, high, from, waiting: Math.max(0, high - from) };
  });
}

/**
 * Reads the letters of `topic` in [start, high) of each partition, in offset order per partition,
 * with a throw-away consumer group (deleted afterwards: it commits nothing).
 */
async function readLetters(admin, topic, ranges, onLetter) {
  const wanted = ranges.filter((r) => r.high > r.start);
  if (!wanted.length) return;
  const groupId = `dlq-cli-read-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const left = new Map(wanted.map((r) => [r.partition, r]));
  let finish;
  let fail;
  const finished = new Promise((resolve, reject) => ((finish = resolve), (fail = reject)));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const { GROUP_JOIN } = consumer.events;
    consumer.on(GROUP_JOIN, () => {
      // A shortcut only: letters before a range's start are skipped below anyway.
      for (const r of wanted) {
        try {
          consumer.seek({ topic, partition: r.partition, offset: String(r.start) });
        } catch {
          /* not running yet: read from the beginning */
        }
      }
    });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachMessage: async ({ partition, message }) => {
        const range = left.get(partition);
        const offset = Number(message.offset);
        if (!range || offset < range.start) return;
        if (offset < range.high) {
          try {
            await onLetter(partition, message);
          } catch (error) {
            fail(error);
            throw error;
          }
        }
        if (offset >= range.high - 1) left.delete(partition);
        if (!left.size) finish();
      },
    });
    const timeout = setTimeout(() => fail(new Error(`timed out reading ${topic}`)), 120_000);
    try {
      await finished;
    } finally {
      clearTimeout(timeout);
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

const header = (message, name) => message.headers?.[name]?.toString();

function describe(partition, message, redriven) {
  let type;
  try {
    type = JSON.parse(message.value?.toString() ?? '').type;
  } catch {
    type = undefined;
  }
  return {
    partition,
    offset: Number(message.offset),
    redriven,
    key: message.key?.toString() ?? null,
    type: header(message, 'event-type') ?? type ?? null,
    eventId: header(message, 'event-id') ?? null,
    origin: `${header(message, 'dlq-origin-topic')}[${header(message, 'dlq-origin-partition')}]@${header(message, 'dlq-origin-offset')}`,
    reason: header(message, 'dlq-reason') ?? null,
    error: header(message, 'dlq-error') ?? null,
    attempts: Number(header(message, 'dlq-attempts') ?? 0),
    failedAt: header(message, 'dlq-failed-at') ?? null,
  };
}

async function list(admin) {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) && t.endsWith('.dlq')).sort();
  const rows = [];
  for (const topic of topics) {
    const group = topic.slice(prefix.length, -'.dlq'.length);
    const parts = await positions(admin, group);
    const letters = parts.reduce((n, p) => n + p.high - p.low, 0);
    const waiting = parts.reduce((n, p) => n + p.waiting, 0);
    rows.push({ group, topic, letters, redriven: letters - waiting, waiting });
  }
  console.log(JSON.stringify({ deadLetterTopics: rows }, null, 2));
}

async function show(admin, group, { all, limit }) {
  const topic = dlqTopicOf(group);
  const parts = await positions(admin, group);
  const letters = [];
  await readLetters(admin, topic, parts.map((p) => ({ partition: p.partition, start: all ? p.low : p.from, high: p.high })), async (partition, message) => {
    const part = parts.find((p) => p.partition === partition);
    letters.push(describe(partition, message, Number(message.offset) < part.from));
  });
  letters.sort((a, b) => (a.failedAt ?? '').localeCompare(b.failedAt ?? '') || a.partition - b.partition || a.offset - b.offset);
  console.log(JSON.stringify({ group, topic, waiting: parts.reduce((n, p) => n + p.waiting, 0), letters: letters.slice(0, limit) }, null, 2));
}

/** Letters re-driven per send and offset commit: one request each instead of one per letter. */
const REDRIVE_CHUNK = 500;

async function redrive(admin, group, { dryRun }) {
  const topic = dlqTopicOf(group);
  const parts = await positions(admin, group);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const redriven = [];
  let chunk = [];
  // Sends a chunk of letters to their origin topics, and only once they are acknowledged marks
  // them done: a commit per letter cost a group round trip each (about 5 s here), so 100 letters
  // took minutes. A crash between the send and the commit sends that chunk again, which the
  // consumers, idempotent on the event id, absorb.
  const flush = async () => {
    if (!chunk.length) return;
    const byOrigin = new Map();
    for (const { origin, message } of chunk) byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), message]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byOrigin].map(([origin, messages]) => ({ topic: origin, messages })) });
    const next = new Map();
    for (const { partition, offset } of chunk) next.set(partition, Math.max(next.get(partition) ?? 0, offset + 1));
    await admin.setOffsets({ groupId: redriveGroupOf(group), topic, partitions: [...next].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
    chunk = [];
  };
  try {
    await readLetters(admin, topic, parts.map((p) => ({ partition: p.partition, start: p.from, high: p.high })), async (partition, message) => {
      const origin = header(message, 'dlq-origin-topic');
      const letter = describe(partition, message, false);
      if (!origin) throw new Error(`letter ${partition}@${message.offset} has no dlq-origin-topic header; not re-driven`);
      if (!dryRun) {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq-')));
        headers['redriven-from'] = `${topic}[${partition}]@${message.offset}`;
        chunk.push({ origin, partition, offset: Number(message.offset), message: { key: message.key, value: message.value, headers } });
        if (chunk.length >= REDRIVE_CHUNK) await flush();
      }
      redriven.push({ partition: letter.partition, offset: letter.offset, type: letter.type, key: letter.key, to: origin, reason: letter.reason });
    });
    await flush();
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  console.log(JSON.stringify({ group, topic, dryRun: Boolean(dryRun), redriven: redriven.length, letters: redriven }, null, 2));
}

async function main() {
  const [command, group, ...rest] = process.argv.slice(2);
  if (!['list', 'show', 'redrive'].includes(command)) usage(command ? `unknown command ${command}` : undefined);
  if (command !== 'list' && !group) usage(`${command} needs a consumer group`);
  if (group && !/^[A-Za-z0-9._-]{1,200}$/.test(group)) usage(`not a consumer group name: ${group}`);
  const flags = { all: rest.includes('--all'), dryRun: rest.includes('--dry-run'), limit: 100 };
  const limitAt = rest.indexOf('--limit');
  if (limitAt >= 0) {
    flags.limit = Number(rest[limitAt + 1]);
    if (!Number.isInteger(flags.limit) || flags.limit < 1) usage('--limit needs a positive whole number');
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (command !== 'list') {
      const topics = await admin.listTopics();
      if (!topics.includes(dlqTopicOf(group))) usage(`no dead-letter topic ${dlqTopicOf(group)} (see: npm run dlq -- list)`);
    }
    if (command === 'list') await list(admin);
    else if (command === 'show') await show(admin, group, flags);
    else await redrive(admin, group, flags);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  console.error(`dlq: ${error.message}`);
  process.exit(1);
});
