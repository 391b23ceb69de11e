import { DynamicModule, Global, INestApplication, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ServiceConfig } from '@app/config';
import { DeadLetterMonitor } from './dead-letters';
import { EventPublisher } from './event-publisher';
import { KafkaClient } from './kafka.client';
import { KafkaEventServer } from './kafka-event.server';
import { KafkaHealthIndicator } from './kafka.health';
import { KAFKA_MODULE_OPTIONS, KafkaModuleOptions } from './kafka.options';
import { TopicAdmin } from './topic-admin';

/** All Kafka plumbing of a service, configured once from its validated config. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      imports: [TerminusModule],
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        {
          provide: KafkaClient,
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => new KafkaClient(options.service, config.KAFKA_BROKERS),
        },
        TopicAdmin,
        EventPublisher,
        KafkaEventServer,
        KafkaHealthIndicator,
        DeadLetterMonitor,
      ],
      exports: [KafkaClient, TopicAdmin, EventPublisher, KafkaEventServer, KafkaHealthIndicator],
    };
  }
}

/**
 * Attaches the event consumer to a (hybrid HTTP) app; call before app.startAllMicroservices().
 * It inherits the app's global filters: the app's filter must hand RPC errors back unchanged
 * (see HttpErrorFilter), since Nest's default RPC filter would replace them with a generic one.
 */
export function connectEventConsumer(app: INestApplication): void {
  app.connectMicroservice({ strategy: app.get(KafkaEventServer) }, { inheritAppConfig: true });
}
