import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';

const levels: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through Nest's logger (JSON in production) instead of its own console format. */
function logCreator() {
  const logger = new Logger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    logger[levels[level] ?? 'log']({ msg: message, ...extra });
  };
}

/** The one kafkajs client of a service, shared by its admin, producer and consumer. */
export class KafkaClient extends Kafka {
  constructor(clientId: string, brokers: string[]) {
    super({ clientId, brokers, logLevel: logLevel.WARN, logCreator, retry: { initialRetryTime: 100, retries: 8 } });
  }
}
