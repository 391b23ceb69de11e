import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface Infrastructure {
  kafkaBrokers: string;
  /** mongodb://host:port, without a database: each service gets its own. */
  mongoUrlBase: string;
  source: 'environment' | 'testcontainers' | 'local';
  stop?: () => Promise<void>;
}

/**
 * Where the e2e tests find a broker and a database, in order: KAFKA_BROKERS and MONGO_URL from
 * the environment; containers when a Docker engine answers; else the project's own local
 * infrastructure (scripts/infra.sh: Kafka from Maven Central jars, FerretDB on PostgreSQL).
 */
export async function provideInfrastructure(): Promise<Infrastructure> {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL) {
    return { kafkaBrokers: process.env.KAFKA_BROKERS, mongoUrlBase: stripDatabase(process.env.MONGO_URL), source: 'environment' };
  }
  if (dockerAnswers()) return startContainers();
  execFileSync('bash', [path.join(ROOT, 'scripts', 'infra.sh'), 'up'], { stdio: 'inherit' });
  const env = execFileSync('bash', [path.join(ROOT, 'scripts', 'infra.sh'), 'env'], { encoding: 'utf8' });
  const value = (name: string) => new RegExp(`${name}=["']?([^"'\\n]+)`).exec(env)?.[1];
  return { kafkaBrokers: value('KAFKA_BROKERS') ?? '127.0.0.1:9092', mongoUrlBase: value('MONGO_URL_BASE') ?? 'mongodb://127.0.0.1:27017', source: 'local' };
}

const stripDatabase = (url: string) => url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+).*$/, '$1');

function dockerAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 5_000 });
  return result.status === 0 && Boolean(result.stdout.trim());
}

async function startContainers(): Promise<Infrastructure> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const kafka = await new GenericContainer('apache/kafka:4.1.1')
    .withExposedPorts({ container: 9092, host: 19092 })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:19092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  const mongo = await new GenericContainer('mongo:8').withExposedPorts(27017).withWaitStrategy(Wait.forListeningPorts()).start();
  return {
    kafkaBrokers: '127.0.0.1:19092',
    mongoUrlBase: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}
