/** What a service tells the Kafka module about itself. */
export interface KafkaModuleOptions {
  /** The service name: the Kafka client id and the `producer` of its events. */
  service: string;
}

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

/** The consumer group: KAFKA_GROUP_ID if set (tests isolate runs with it), else the service name. */
export const consumerGroupOf = (options: KafkaModuleOptions, config: { KAFKA_GROUP_ID?: string }): string =>
  config.KAFKA_GROUP_ID ?? options.service;
