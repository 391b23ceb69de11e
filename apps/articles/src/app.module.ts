import { Module } from '@nestjs/common';
import { MongooseHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@app/config';
import { HealthModule, ServiceAuthModule } from '@app/http';
import { KafkaHealthIndicator, KafkaModule } from '@app/kafka';
import { LoggerModule } from '@app/observability';
import { MongoModule, WriteConcernHealthIndicator } from '@app/persistence';
import { ArticlesConfig } from './articles.config';
import { ArticlesModule } from './articles/articles.module';

@Module({
  imports: [
    ServiceAuthModule,
    ConfigModule.forRoot(ArticlesConfig),
    LoggerModule.forRoot('articles'),
    MongoModule.forRoot(),
    KafkaModule.forRoot({ service: 'articles' }),
    HealthModule.forRoot({
      inject: [MongooseHealthIndicator, KafkaHealthIndicator, WriteConcernHealthIndicator],
      readiness: (mongo: MongooseHealthIndicator, kafka: KafkaHealthIndicator, writes: WriteConcernHealthIndicator) => [
        () => mongo.pingCheck('mongo', { timeout: 2_000 }),
        () => writes.check(),
        () => kafka.check(),
      ],
    }),
    ArticlesModule,
  ],
})
export class AppModule {}
