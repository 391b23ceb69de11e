import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KafkaClient } from './kafka.client';
import { KafkaEventServer } from './kafka-event.server';

/** Ready when the broker answers a metadata request and our consumer (if any) is running. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly server: KafkaEventServer,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'kafka') {
    const indicator = this.health.check(key);
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    try {
      await withTimeout(admin.connect().then(() => admin.describeCluster()), 2_000);
      if (!this.server.isHealthy()) return indicator.down({ consumer: 'not running' });
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
