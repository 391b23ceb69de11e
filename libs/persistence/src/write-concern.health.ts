import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Connection } from 'mongoose';

/** Every write waits for a majority of the replica set, journaled: an acknowledged write survives a crash. */
export const DURABLE_WRITES = { w: 'majority', journal: true } as const;

/**
 * Ready only when a write with our write concern is acknowledged in time: a ping answers while
 * the replica set has no primary or no majority, and every write would then hang or fail.
 * FerretDB ignores write concerns; there the probe is a plain write, which still proves writes work.
 */
@Injectable()
export class WriteConcernHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'mongo_writes', timeoutMs = 2_000) {
    const indicator = this.health.check(key);
    try {
      // One small document, overwritten by every probe; wtimeout bounds the wait for the majority.
      await this.connection.db!.collection<{ _id: string; at: Date }>('health_probes').updateOne(
        { _id: 'write-concern' },
        { $set: { at: new Date() } },
        { upsert: true, writeConcern: { w: DURABLE_WRITES.w, journal: DURABLE_WRITES.journal, wtimeoutMS: timeoutMs }, maxTimeMS: timeoutMs },
      );
      return indicator.up({ writeConcern: 'majority, journaled' });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
