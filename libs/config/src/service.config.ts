import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { EnvList } from './load-config';

/** min.insync.replicas above the replication factor would make every acks -1 write fail. */
@ValidatorConstraint({ name: 'notAboveReplicationFactor' })
class NotAboveReplicationFactor implements ValidatorConstraintInterface {
  validate(value: number, args: ValidationArguments): boolean {
    return value <= (args.object as ServiceConfig).KAFKA_REPLICATION_FACTOR;
  }
  defaultMessage(): string {
    return 'KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR';
  }
}

/** What every HTTP process needs: where it listens and how it logs. */
export class BaseConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number;

  @IsString()
  HOST = '127.0.0.1';

}

/** A service on the event bus. */
export class ServiceConfig extends BaseConfig {
  /**
   * HS256 key the gateway signs each call to a service with and the services verify (see
   * libs/http service-auth.ts). Required, the same in all four, and not the readers' JWT_SECRET.
   */
  @IsString()
  @MinLength(32, { message: 'SERVICE_AUTH_SECRET must be at least 32 characters' })
  SERVICE_AUTH_SECRET: string;

  @EnvList()
  @ArrayNotEmpty()
  @Matches(/^[^:\s]+:\d+$/, { each: true, message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** The consumer group; instances of one service share it. Defaults to the service's name. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,200}$/)
  KAFKA_GROUP_ID?: string;

  /**
   * Put before every topic name (e.g. "staging."), so several systems can share one broker;
   * each e2e run uses its own.
   */
  @Matches(/^[A-Za-z0-9._-]{0,100}$/)
  KAFKA_TOPIC_PREFIX: string = '';

  /** Partitions of each topic when this service creates it. More than one, so consumers scale out. */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_PARTITIONS: number = 6;

  /**
   * Copies of each partition when this service creates a topic. 1 for the one local broker; a
   * cluster sets 3, so `acks: -1` waits for copies on other brokers and a broker can be lost.
   */
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR: number = 1;

  /**
   * `min.insync.replicas` of the topics created: with acks -1 a write is refused, not silently
   * kept on fewer copies, while fewer replicas are in sync. At most KAFKA_REPLICATION_FACTOR.
   */
  @IsInt()
  @Min(1)
  @Max(10)
  @Validate(NotAboveReplicationFactor)
  KAFKA_MIN_INSYNC_REPLICAS: number = 1;

  /**
   * What to do at start when a topic already exists with fewer replicas (or a lower min ISR) than
   * configured: `warn` (log and the kafka_topic_under_replicated metric) or `refuse` to start.
   */
  @IsIn(['warn', 'refuse'])
  KAFKA_REPLICATION_CHECK: 'warn' | 'refuse' = 'warn';

  /**
   * Events a consumer handles side by side within a fetched batch (never two of one ordering
   * key, see OnEventInOrderOf): database round trips overlap instead of queueing.
   */
  @IsInt()
  @Min(1)
  @Max(256)
  KAFKA_CONSUMER_CONCURRENCY: number = 16;

  /** Attempts of a throwing event handler before its event is dead-lettered. */
  @IsInt()
  @Min(1)
  @Max(100)
  KAFKA_HANDLER_ATTEMPTS: number = 5;

  @IsInt()
  @Min(0)
  @Max(60_000)
  KAFKA_RETRY_BACKOFF_MS: number = 200;

  /**
   * Times the process may die while handling one message (an exit, out of memory; not a throw)
   * before, at the next start, it is dead-lettered unhandled (counted in committed offset metadata).
   */
  @IsInt()
  @Min(1)
  @Max(100)
  KAFKA_CRASH_ATTEMPTS: number = 3;

  /**
   * How long the broker waits for a silent consumer before giving its partitions to another
   * instance: the failover time after a crash. Heartbeats go every tenth of it.
   */
  @IsInt()
  @Min(6_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;

  /** How often the outbox relay looks for events a crashed instance left unpublished. */
  @IsInt()
  @Min(50)
  @Max(600_000)
  OUTBOX_POLL_MS: number = 1000;

  /**
   * Documents one outbox poll reads and publishes at most (it reads the next page at once while
   * they publish): a broker outage grows the backlog, and each poll read the whole of it.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  OUTBOX_POLL_LIMIT: number = 200;
}

/** A service that owns data in MongoDB (or a MongoDB-wire server such as FerretDB). */
export class DatabaseServiceConfig extends ServiceConfig {
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGO_URL must be a mongodb:// connection string' })
  MONGO_URL: string;

  /** Connections to the database per process (see scripts/infra.sh on FerretDB's pool). */
  @IsInt()
  @Min(1)
  @Max(500)
  MONGO_POOL_SIZE: number = 20;
}
