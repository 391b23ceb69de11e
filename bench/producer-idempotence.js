#!/usr/bin/env node
// How much the idempotent producer (idempotent: true, one request in flight per broker, acks -1)
// costs against the producer the services had (acks -1, kafkajs' default in-flight requests), on
// the broker at KAFKA_BROKERS (default the local one). Two shapes of the services' sends: one
// sender with big batches (the outbox relay), and 16 concurrent senders of small batches (the
// consumers' lanes, each publishing what its event caused). Topics are private and deleted after.
//   node bench/producer-idempotence.js [messages=20000]
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const total = Number(process.argv[2] ?? 20_000);
const kafka = new Kafka({ clientId: 'producer-bench', brokers, logLevel: logLevel.ERROR });
const value = JSON.stringify({ body: 'x'.repeat(400) });   // about a comment event's size

async function run(topic, options, senders, batch) {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, ...options });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm', value }] });
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < total) {
        const from = next;
        next += batch;
        const messages = Array.from({ length: Math.min(batch, total - from) }, (_, i) => ({ key: `story-${(from + i) % 50}`, value }));
        await producer.send({ topic, acks: -1, messages });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.disconnect();
  return Math.round(total / seconds);
}

(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const prefix = `bench-idem-${process.pid}-`;
  const shapes = [
    { name: '1 sender, batches of 500', senders: 1, batch: 500 },
    { name: '16 senders, batches of 10', senders: 16, batch: 10 },
  ];
  const modes = [
    { name: 'plain (acks -1)', options: {} },
    { name: 'idempotent', options: { idempotent: true, maxInFlightRequests: 1 } },
  ];
  const topics = [];
  console.log(`| shape | ${modes.map((m) => m.name).join(' | ')} | idempotent/plain |`);
  console.log(`|---|${modes.map(() => '---:|').join('')}---:|`);
  try {
    for (const shape of shapes) {
      const rates = [];
      for (const mode of modes) {
        const topic = `${prefix}${topics.length}`;
        topics.push(topic);
        await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
        rates.push(await run(topic, mode.options, shape.senders, shape.batch));
      }
      console.log(`| ${shape.name} | ${rates.map((r) => `${r.toLocaleString('en')} msg/s`).join(' | ')} | ${(rates[1] / rates[0]).toFixed(2)} |`);
    }
  } finally {
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
