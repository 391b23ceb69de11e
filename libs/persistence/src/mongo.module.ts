import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { DatabaseServiceConfig } from '@app/config';
import { instrumentMongoClient } from '@app/observability';

/** The service's own database, from MONGO_URL. Works on MongoDB 7/8 and on FerretDB. */
@Module({})
export class MongoModule {
  static forRoot(): DynamicModule {
    return {
      module: MongoModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [DatabaseServiceConfig],
          useFactory: (config: DatabaseServiceConfig) => ({
            uri: config.MONGO_URL,
            serverSelectionTimeoutMS: 5_000,
            maxPoolSize: config.MONGO_POOL_SIZE,
            // Retryable writes need sessions, which FerretDB 1.x lacks; our writes are idempotent instead.
            retryWrites: false,
            // Every command is counted and timed for /metrics (db_commands_total): the database is the bottleneck to watch.
            monitorCommands: true,
            connectionFactory: (connection: Connection) => {
              instrumentMongoClient(connection.getClient() as never);
              return connection;
            },
          }),
        }),
      ],
      exports: [MongooseModule],
    };
  }
}
