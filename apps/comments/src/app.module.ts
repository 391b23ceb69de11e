import { Module } from '@nestjs/common';
import { MongooseHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@app/config';
import { HealthModule, ServiceAuthModule } from '@app/http';
import { KafkaHealthIndicator, KafkaModule } from '@app/kafka';
import { LoggerModule } from '@app/observability';
import { MongoModule, WriteConcernHealthIndicator } from '@app/persistence';
import { CommentsModule } from './comments/comments.module';
import { CommentsConfig } from './comments.config';
import { PostingModule } from './posting/posting.module';
import { ReaderDataModule } from './reader-data/reader-data.module';
import { ReadersModule } from './readers/readers.module';
import { ReconcilerModule } from './reconciler/reconciler.module';
import { ThreadsModule } from './threads/threads.module';

@Module({
  imports: [
    ServiceAuthModule,
    ConfigModule.forRoot(CommentsConfig),
    LoggerModule.forRoot('comments'),
    MongoModule.forRoot(),
    KafkaModule.forRoot({ service: 'comments' }),
    HealthModule.forRoot({
      inject: [MongooseHealthIndicator, KafkaHealthIndicator, WriteConcernHealthIndicator],
      readiness: (mongo: MongooseHealthIndicator, kafka: KafkaHealthIndicator, writes: WriteConcernHealthIndicator) => [
        () => mongo.pingCheck('mongo', { timeout: 2_000 }),
        () => writes.check(),
        () => kafka.check(),
      ],
    }),
    ThreadsModule,
    CommentsModule,
    ReadersModule,
    PostingModule,
    ReconcilerModule,
    ReaderDataModule,
  ],
})
export class AppModule {}
