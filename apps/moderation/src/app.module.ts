import { Module } from '@nestjs/common';
import { MongooseHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@app/config';
import { HealthModule, ServiceAuthModule } from '@app/http';
import { KafkaHealthIndicator, KafkaModule } from '@app/kafka';
import { LoggerModule } from '@app/observability';
import { MongoModule, WriteConcernHealthIndicator } from '@app/persistence';
import { ModerationConfig } from './moderation.config';
import { CasesModule } from './cases/cases.module';
import { ErasuresModule } from './erasures/erasures.module';
import { FilterTrainingModule } from './filter/filter-training.module';
import { StoriesModule } from './stories/stories.module';
import { UsersModule } from './users/users.module';

@Module({
  imports: [
    ServiceAuthModule,
    ConfigModule.forRoot(ModerationConfig),
    LoggerModule.forRoot('moderation'),
    MongoModule.forRoot(),
    KafkaModule.forRoot({ service: 'moderation' }),
    HealthModule.forRoot({
      inject: [MongooseHealthIndicator, KafkaHealthIndicator, WriteConcernHealthIndicator],
      readiness: (mongo: MongooseHealthIndicator, kafka: KafkaHealthIndicator, writes: WriteConcernHealthIndicator) => [
        () => mongo.pingCheck('mongo', { timeout: 2_000 }),
        () => writes.check(),
        () => kafka.check(),
      ],
    }),
    StoriesModule,
    CasesModule,
    UsersModule,
    FilterTrainingModule,
    ErasuresModule,
  ],
})
export class AppModule {}
