import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Admin } from 'kafkajs';
import { ServiceConfig } from '@app/config';
import { deadLetterTopic } from '@app/contracts';
import { deadLetterDepth } from '@app/observability';
import { KafkaClient } from './kafka.client';
import { consumerGroupOf, KAFKA_MODULE_OPTIONS, KafkaModuleOptions } from './kafka.options';

/**
 * The consumer group whose committed offsets on `<group>.dlq` say how far the operators' re-drive
 * (`npm run dlq -- redrive <group>`, scripts/dlq.js) has gone: letters before it went back to
 * their origin topic, letters after it wait.
 */
export const redriveGroupOf = (groupId: string): string => `${deadLetterTopic(groupId)}.redrive`;

/** Letters past the re-drive offsets, summed over partitions (nothing committed: from the oldest kept). */
export async function deadLettersWaiting(admin: Admin, topic: string, redriveGroup: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: redriveGroup, topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  return ends.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Math.max(Number(p.low), done.get(p.partition) ?? -1)), 0);
}

/** Keeps `dead_letters_waiting{group}` current for this service's consumer group. */
@Injectable()
export class DeadLetterMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DeadLetterMonitor.name);
  private readonly groupId: string;
  private admin?: Admin;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly config: ServiceConfig,
    @Inject(KAFKA_MODULE_OPTIONS) options: KafkaModuleOptions,
  ) {
    this.groupId = consumerGroupOf(options, config);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh(), 15_000);
    this.timer.unref();
    void this.refresh();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.admin?.disconnect().catch(() => undefined);
  }

  async refresh(): Promise<void> {
    try {
      if (!this.admin) {
        this.admin = this.kafka.admin({ retry: { retries: 0 } });
        await this.admin.connect();
      }
      const topic = this.config.KAFKA_TOPIC_PREFIX + deadLetterTopic(this.groupId);
      deadLetterDepth.set({ group: this.groupId }, await deadLettersWaiting(this.admin, topic, redriveGroupOf(this.groupId)));
    } catch (error) {
      this.log.debug({ msg: 'could not measure the dead letters waiting', error: (error as Error).message });
    }
  }
}
