import { Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS } from '@app/contracts';
import { loadConfig, ServiceConfig } from '@app/config';
import { KafkaClient, TopicAdmin } from '@app/kafka';
import { metricsRegistry } from '@app/observability';
import { ServiceName, system, topicPrefixOf, waitReady } from '../support/services';
import { FaultRun, sleep } from './under-load';
import { infra, STACK_ENV, stackBrokers } from './stack';

/**
 * Broker faults on a three-broker cluster (scripts/test-faults-cluster.sh: FAULTS_BROKERS=3),
 * with the services' topics at replication 3, min ISR 2 and an idempotent producer: one broker
 * killed with SIGKILL under load, then a rolling restart of all three. Nothing accepted may be
 * lost or doubled. Timings are printed, not asserted (a shared 2-core machine).
 */

const run = new FaultRun();
const kafka = () => new Kafka({ clientId: 'faults-cluster', brokers: stackBrokers().split(','), logLevel: logLevel.NOTHING });
const brokers = Number(STACK_ENV.KAFKA_BROKERS_COUNT);
const extra: string[] = [];

/** Until every partition of every topic (the offsets topic included) has all its replicas in sync. */
async function waitInSync(timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  const admin = kafka().admin();
  await admin.connect();
  try {
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata();
        if (topics.every((t) => t.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length))) return Date.now() - started;
      } catch {
        // a broker in the middle of leaving or joining: ask again
      }
      if (Date.now() - started > timeoutMs) throw new Error(`replicas not in sync after ${timeoutMs} ms`);
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

async function servicesReady(): Promise<void> {
  const sut = system();
  await Promise.all((['articles', 'comments', 'moderation', 'gateway'] as ServiceName[]).map((name) => waitReady(sut.ports[name], 120_000)));
}

describe('three brokers: a broker lost or restarted under load loses and doubles nothing', () => {
  beforeAll(() => {
    if (brokers < 3) throw new Error(`this suite needs the three-broker stack (FAULTS_BROKERS=3), got ${brokers}`);
  });
  afterAll(() => {
    run.printTable('broker faults on a three-broker cluster (time to recover: from the fault until a new comment is approved end to end)', 'faults-cluster-table.md');
    if (extra.length) console.log(extra.join('\n'));
  });

  it('the services created their topics with 3 replicas and min.insync.replicas 2', async () => {
    const prefix = topicPrefixOf(system());
    const admin = kafka().admin();
    await admin.connect();
    try {
      const names = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      expect(names.length).toBeGreaterThanOrEqual(ALL_TOPICS.length);
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      for (const topic of topics) for (const p of topic.partitions) expect(p.replicas).toHaveLength(3);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })),
      });
      expect(resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue])).toEqual(names.map((n) => [n, '2']));
    } finally {
      await admin.disconnect();
    }
  });

  it('an existing topic with fewer replicas than configured is reported (warn: metric) or refused', async () => {
    const prefix = `under-${Date.now().toString(36)}.`;
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: prefix + ALL_TOPICS[0], numPartitions: 1, replicationFactor: 1 }] });
    await admin.disconnect();
    const env = { KAFKA_BROKERS: stackBrokers(), KAFKA_TOPIC_PREFIX: prefix, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', PORT: '1', SERVICE_AUTH_SECRET: 's'.repeat(32) };
    const topicAdmin = (check: string) => {
      const config = loadConfig(ServiceConfig, { ...env, KAFKA_REPLICATION_CHECK: check });
      return new TopicAdmin(new KafkaClient('faults-cluster', config.KAFKA_BROKERS), config, { service: `under-${check}` });
    };
    try {
      await expect(topicAdmin('refuse').ready()).rejects.toThrow(/fewer replicas or a lower min ISR than configured/);
      await topicAdmin('warn').ready();
      const gauge = (await metricsRegistry.getSingleMetric('kafka_topic_under_replicated')!.get()).values;
      expect(gauge.find((v) => v.labels.topic === prefix + ALL_TOPICS[0])?.value).toBe(1);
      expect(gauge.find((v) => v.labels.topic === prefix + ALL_TOPICS[1])?.value).toBe(0);
    } finally {
      // The one-replica topic must not outlive the test: with its broker down it has no leader,
      // and metadata requests for all topics (the reconciliation's) fail.
      await admin.connect();
      const ours = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      await admin.deleteTopics({ topics: ours });
      await admin.disconnect();
    }
  });

  it('kill -9 one broker under load (it stays down until the reconciliation is done)', async () => {
    let back = 0;
    try {
      await run.underLoad('kill -9 kafka-2 (1 of 3)', async () => {
        infra('kill', 'kafka-2');
      });
    } finally {
      back = Date.now();
      infra('up'); // back for the next scenario, whatever this one found
    }
    const inSync = await waitInSync();
    await servicesReady();
    extra.push(`kafka-2 restarted after the scenario: back and every replica in sync ${((Date.now() - back) / 1000).toFixed(1)} s after its start (${(inSync / 1000).toFixed(1)} s waiting for the ISR)`);
  });

  it('rolling restart of all three brokers under load', async () => {
    await waitInSync();
    const rollFrom = Date.now();
    await run.underLoad('rolling restart of 3 brokers', async () => {
      for (let node = 1; node <= brokers; node++) {
        infra('restart', `kafka-${node}`);
        // The next broker goes only once the one back has caught up: else a partition could be left
        // with one replica in sync, below min ISR, and writes to it refused.
        await waitInSync();
      }
    });
    extra.push(`rolling restart: three brokers restarted one after another, each caught up before the next, in ${((Date.now() - rollFrom) / 1000).toFixed(1)} s (scenario included)`);
    await servicesReady();
  });
});
