'use strict';
// Watches the run's own topics from a given point on: every moderation.decided and every
// comment.approved/held/rejected, per comment id. This is how the burst checks that each accepted
// comment was decided exactly once (distinct decision events; a redelivered copy of the same
// event is counted apart, since at-least-once delivery allows it) and when it was applied.
const { randomUUID } = require('node:crypto');
const { Kafka, logLevel } = require('kafkajs');

const APPLIED = new Set(['comment.approved', 'comment.held', 'comment.rejected']);

class DecisionWatcher {
  constructor({ brokers, topicPrefix }) {
    this.kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    this.topics = { moderation: `${topicPrefix}moderation.events`, comments: `${topicPrefix}comments.events` };
    this.decided = new Map(); // comment id -> { events: Set(event id), deliveries, decisions: [] }
    // comment id -> { events: Set, firstAt (ms epoch, message timestamp: when the service produced it), arrivedAt (here), status }
    this.applied = new Map();
  }

  /** Records where the topics end now, then reads everything after that point. */
  async start() {
    const admin = this.kafka.admin();
    await admin.connect();
    const starts = {};
    try {
      for (const topic of Object.values(this.topics)) starts[topic] = await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect();
    }
    this.consumer = this.kafka.consumer({ groupId: `bench-check-${randomUUID()}`, maxWaitTimeInMs: 50, sessionTimeout: 30_000 });
    await this.consumer.connect();
    for (const topic of Object.values(this.topics)) await this.consumer.subscribe({ topic, fromBeginning: true });
    let joined;
    const ready = new Promise((resolve) => (joined = resolve));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      for (const [topic, offsets] of Object.entries(starts)) for (const { partition, offset } of offsets) this.consumer.seek({ topic, partition, offset });
      joined();
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) this.record(batch.topic, message);
      },
    });
    await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('decision watcher did not join in 30 s')), 30_000))]);
  }

  record(topic, message) {
    const type = message.headers?.['event-type']?.toString();
    if (topic === this.topics.moderation && type === 'moderation.decided') {
      const event = JSON.parse(message.value.toString());
      const id = event.payload.commentId;
      const entry = this.decided.get(id) ?? { events: new Set(), deliveries: 0, decisions: [] };
      entry.deliveries++;
      if (!entry.events.has(event.id)) entry.decisions.push(`${event.payload.decision}:${event.payload.rule}`);
      entry.events.add(event.id);
      this.decided.set(id, entry);
    } else if (topic === this.topics.comments && APPLIED.has(type)) {
      const event = JSON.parse(message.value.toString());
      const id = event.payload.commentId;
      const entry = this.applied.get(id) ?? { events: new Set(), firstAt: Number(message.timestamp), arrivedAt: Date.now(), status: type.slice('comment.'.length) };
      entry.events.add(event.id);
      this.applied.set(id, entry);
    }
  }

  /** When the comment's final event was produced (its message timestamp), undefined when not seen. */
  finalAt(id) {
    return this.applied.get(id)?.firstAt;
  }

  /** How long final events took from their producer to this reader (p99, ms): the watcher's own lag. */
  readerLagMs(ids) {
    const lags = [];
    for (const id of ids) {
      const a = this.applied.get(id);
      if (a) lags.push(a.arrivedAt - a.firstAt);
    }
    lags.sort((x, y) => x - y);
    return lags.length ? lags[Math.min(lags.length - 1, Math.ceil(0.99 * lags.length) - 1)] : null;
  }

  /** How many of `ids` have had their decision applied by the comments service. */
  appliedCount(ids) {
    let n = 0;
    for (const id of ids) if (this.applied.has(id)) n++;
    return n;
  }

  /** The verdict on `ids` (the accepted comments). */
  report(ids) {
    const out = { accepted: ids.length, decidedOnce: 0, decidedMoreThanOnce: 0, notDecided: 0, redeliveredCopies: 0, applied: 0, appliedMoreThanOnce: 0, decisions: {}, lastAppliedAt: null };
    const examples = [];
    for (const id of ids) {
      const d = this.decided.get(id);
      if (!d) out.notDecided++;
      else if (d.events.size === 1) out.decidedOnce++;
      else {
        out.decidedMoreThanOnce++;
        if (examples.length < 5) examples.push({ id, decisions: d.decisions });
      }
      if (d) {
        out.redeliveredCopies += d.deliveries - d.events.size;
        for (const decision of new Set(d.decisions)) out.decisions[decision] = (out.decisions[decision] ?? 0) + 1;
      }
      const a = this.applied.get(id);
      if (a) {
        out.applied++;
        if (a.events.size > 1) out.appliedMoreThanOnce++;
        out.lastAppliedAt = Math.max(out.lastAppliedAt ?? 0, a.firstAt);
      }
    }
    if (examples.length) out.decidedMoreThanOnceExamples = examples;
    return out;
  }

  async stop() {
    if (this.consumer) await this.consumer.disconnect().catch(() => {});
  }
}

/** Deletes the run's topics (named <prefix>…) from the shared broker. */
async function deleteTopics(brokers, topicPrefix) {
  const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics;
  } finally {
    await admin.disconnect();
  }
}

/**
 * How many events the services' consumer groups still have to handle (end offset minus committed
 * offset, over every partition of the topics each group committed on).
 */
async function consumerLag(brokers, groupIds) {
  const kafka = new Kafka({ clientId: 'bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    const ends = new Map();
    for (const groupId of groupIds) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        if (!ends.has(topic)) ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p])));
        for (const { partition, offset } of partitions) {
          const end = ends.get(topic).get(partition);
          if (end) lag += Number(end.high) - Math.max(Number(offset), Number(end.low));
        }
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/** Waits (up to boundMs) until the consumer groups have nothing left to handle; the lag at the end. */
async function waitForConsumers(brokers, groupIds, boundMs) {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const lag = await consumerLag(brokers, groupIds).catch(() => null);
    if (lag === 0 || Date.now() >= deadline) return lag;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

module.exports = { DecisionWatcher, deleteTopics, consumerLag, waitForConsumers };
