import { Module } from '@nestjs/common';
import { MongooseHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@app/config';
import { HealthModule, ServiceAuthModule } from '@app/http';
import { KafkaHealthIndicator, KafkaModule } from '@app/kafka';
import { LoggerModule } from '@app/observability';
import { MongoModule } from '@app/persistence';
import { CommentsModule } from './comments/comments.module';
import { CommentsConfig } from './comments.config';
import { PostingModule } from './posting/posting.module';
import { ReadersModule } from './readers/readers.module';
import { ThreadsModule } from './threads/threads.module';

@Module({
  imports: [
    ServiceAuthModule,
    ConfigModule.forRoot(CommentsConfig),
    LoggerModule.forRoot('comments'),
    MongoModule.forRoot(),
    KafkaModule.forRoot({ service: 'comments' }),
    HealthModule.forRoot({
      inject: [MongooseHealthIndicator, KafkaHealthIndicator],
      readiness: (mongo: MongooseHealthIndicator, kafka: KafkaHealthIndicator) => [
        () => mongo.pingCheck('mongo', { timeout: 2_000 }),
        () => kafka.check(),
      ],
    }),
    ThreadsModule,
    CommentsModule,
    ReadersModule,
    PostingModule,
  ],
})
export class AppModule {}
