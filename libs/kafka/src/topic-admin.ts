import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ALL_TOPICS, deadLetterTopic } from '@app/contracts';
import { ServiceConfig } from '@app/config';
import { KafkaClient } from './kafka.client';
import { consumerGroupOf, KAFKA_MODULE_OPTIONS, KafkaModuleOptions } from './kafka.options';

/**
 * Creates the topics this service uses before anything produces or subscribes: the broker's
 * auto-creation is off, so a topic exists with the partitions we chose or not at all.
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
          await admin.createTopics({ waitForLeaders: false, topics: missing.map((topic) => ({ topic, numPartitions: this.config.KAFKA_PARTITIONS })) });
          this.logger.log({ msg: 'created topics', topics: missing });
        } catch (error) {
          // Another service may be creating them at the same moment: that is fine.
          const now = new Set(await admin.listTopics());
          if (missing.some((topic) => !now.has(topic))) throw error;
        }
      }
      await this.waitForLeaders(admin, topics);
    } finally {
      await admin.disconnect();
    }
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
