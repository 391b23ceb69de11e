/** What a service tells the Kafka module about itself. */
export interface KafkaModuleOptions {
  /** The service name: the Kafka client id and the `producer` of its events. */
  service: string;
  /** The consumer group; defaults to the service name. Instances of one service share it. */
  groupId?: string;
}

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');
