import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TerminusModule } from '@nestjs/terminus';
import { Connection } from 'mongoose';
import { DatabaseServiceConfig } from '@app/config';
import { instrumentMongoClient } from '@app/observability';
import { DURABLE_WRITES, WriteConcernHealthIndicator } from './write-concern.health';

/**
 * The service's own database, from MONGO_URL. Works on MongoDB 7/8 and on FerretDB. Writes are
 * acknowledged once journaled on a majority of the replica set (DURABLE_WRITES; on a standalone
 * server and on FerretDB, which ignores it, that is the one server). Global, for readiness checks.
 */
@Module({})
export class MongoModule {
  static forRoot(): DynamicModule {
    return {
      module: MongoModule,
      global: true,
      imports: [
        TerminusModule,
        MongooseModule.forRootAsync({
          inject: [DatabaseServiceConfig],
          useFactory: (config: DatabaseServiceConfig) => ({
            uri: config.MONGO_URL,
            serverSelectionTimeoutMS: 5_000,
            maxPoolSize: config.MONGO_POOL_SIZE,
            // Retryable writes need sessions, which FerretDB 1.x lacks; our writes are idempotent instead.
            retryWrites: false,
            w: DURABLE_WRITES.w,
            journal: DURABLE_WRITES.journal,
            // Every command is counted and timed for /metrics (db_commands_total): the database is the bottleneck to watch.
            monitorCommands: true,
            connectionFactory: (connection: Connection) => {
              instrumentMongoClient(connection.getClient() as never);
              return connection;
            },
          }),
        }),
      ],
      providers: [WriteConcernHealthIndicator],
      exports: [MongooseModule, WriteConcernHealthIndicator],
    };
  }
}
