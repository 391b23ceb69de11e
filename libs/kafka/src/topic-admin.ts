import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, deadLetterTopic } from '@app/contracts';
import { ServiceConfig } from '@app/config';
import { kafkaTopicUnderReplicated } from '@app/observability';
import { ConfigResourceTypes } from 'kafkajs';
import { KafkaClient } from './kafka.client';
import { consumerGroupOf, KAFKA_MODULE_OPTIONS, KafkaModuleOptions } from './kafka.options';

/**
 * Creates the topics this service uses before anything produces or subscribes: the broker's
 * auto-creation is off, so a topic exists with the partitions, replication factor and min ISR we
 * chose or not at all. A topic that already exists with fewer copies than configured (created by
 * hand, or before the setting) is reported, since acks -1 would then protect less than the
 * operator believes: a warning and a metric, or a refusal to start (KAFKA_REPLICATION_CHECK).
 */
@Injectable()
export class TopicAdmin implements OnModuleInit {
  private readonly logger = new Logger(TopicAdmin.name);
  private ensured?: Promise<void>;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly config: ServiceConfig,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
  ) {}

  onModuleInit(): Promise<void> {
    return this.ready();
  }

  /** Resolves once every topic exists; safe to call from several places. */
  ready(): Promise<void> {
    this.ensured ??= this.ensure([...ALL_TOPICS, deadLetterTopic(consumerGroupOf(this.options, this.config))]).catch(
      (error) => {
        this.ensured = undefined;
        throw error;
      },
    );
    return this.ensured;
  }

  private async ensure(logical: string[]): Promise<void> {
    const topics = logical.map((topic) => this.config.KAFKA_TOPIC_PREFIX + topic);
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length) {
        try {
          await admin.createTopics({
            waitForLeaders: false,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: this.config.KAFKA_PARTITIONS,
              replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
              configEntries: [{ name: 'min.insync.replicas', value: String(this.config.KAFKA_MIN_INSYNC_REPLICAS) }],
            })),
          });
          this.logger.log({ msg: 'created topics', topics: missing });
        } catch (error) {
          // Another service may be creating them at the same moment: that is fine.
          const now = new Set(await admin.listTopics());
          if (missing.some((topic) => !now.has(topic))) throw error;
        }
      }
      await this.waitForLeaders(admin, topics);
      // Topics created just now have the configured settings; only older ones can fall short.
      await this.checkReplication(admin, topics.filter((topic) => existing.has(topic)));
    } finally {
      await admin.disconnect();
    }
  }

  /** Compares each topic's replicas and min.insync.replicas with the configured ones. */
  private async checkReplication(admin: ReturnType<KafkaClient['admin']>, topics: string[], timeoutMs = 30_000): Promise<void> {
    const { KAFKA_REPLICATION_FACTOR: wantedFactor, KAFKA_MIN_INSYNC_REPLICAS: wantedIsr } = this.config;
    for (const topic of topics) kafkaTopicUnderReplicated.set({ topic }, 0);
    if (!topics.length) return;
    // A broker that has not caught up with the cluster's metadata yet answers "does not host this
    // topic-partition" for a while: ask again, as waitForLeaders does.
    const deadline = Date.now() + timeoutMs;
    let metadata: Awaited<ReturnType<typeof admin.fetchTopicMetadata>>['topics'];
    let configs: Awaited<ReturnType<typeof admin.describeConfigs>>;
    for (;;) {
      try {
        metadata = (await admin.fetchTopicMetadata({ topics })).topics;
        configs = await admin.describeConfigs({
          includeSynonyms: false,
          resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
        });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const isrOf = new Map(
      configs.resources.map((r) => [r.resourceName, Number(r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue)]),
    );
    const short: { topic: string; replicationFactor: number; minInsyncReplicas: number }[] = [];
    for (const { name, partitions } of metadata) {
      const replicationFactor = Math.min(...partitions.map((p) => p.replicas.length));
      const minInsyncReplicas = isrOf.get(name) ?? NaN;
      const under = replicationFactor < wantedFactor || !(minInsyncReplicas >= wantedIsr);
      kafkaTopicUnderReplicated.set({ topic: name }, under ? 1 : 0);
      if (under) short.push({ topic: name, replicationFactor, minInsyncReplicas });
    }
    if (!short.length) return;
    const report = { msg: 'topics have fewer replicas or a lower min ISR than configured', wantedFactor, wantedIsr, topics: short };
    if (this.config.KAFKA_REPLICATION_CHECK === 'refuse') {
      throw new Error(`${report.msg} (KAFKA_REPLICATION_CHECK=refuse): ${JSON.stringify(short)}`);
    }
    // Raising a topic's factor is a partition reassignment (kafka-reassign-partitions), an operator's job.
    this.logger.warn(report);
  }

  /**
   * A topic just created (by us or by another service starting at the same moment) has no
   * partition leaders for a short while; subscribing or producing then fails. Wait until every
   * partition has one.
   */
  private async waitForLeaders(admin: ReturnType<KafkaClient['admin']>, topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
