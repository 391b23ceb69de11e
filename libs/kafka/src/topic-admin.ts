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

  private async ensure(topics: string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (!missing.length) return;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: this.config.KAFKA_PARTITIONS })),
        });
        this.logger.log({ msg: 'created topics', topics: missing });
      } catch (error) {
        // Another service may have created them at the same moment: that is fine.
        const now = new Set(await admin.listTopics());
        if (missing.some((topic) => !now.has(topic))) throw error;
      }
    } finally {
      await admin.disconnect();
    }
  }
}
