import { ConfigError, loadConfig } from './load-config';
import { DatabaseServiceConfig } from './service.config';

class TestConfig extends DatabaseServiceConfig {
  override PORT: number = 3999;
}

const SECRET = { SERVICE_AUTH_SECRET: 's'.repeat(32) };

describe('loadConfig', () => {
  it('applies defaults and converts values from their text form', () => {
    const config = loadConfig(TestConfig, { ...SECRET, MONGO_URL: 'mongodb://db:27017/x', KAFKA_BROKERS: 'a:9092, b:9093', KAFKA_PARTITIONS: '12' });
    expect(config).toMatchObject({ PORT: 3999, KAFKA_BROKERS: ['a:9092', 'b:9093'], KAFKA_PARTITIONS: 12, LOG_LEVEL: 'info', KAFKA_HANDLER_ATTEMPTS: 5 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(TestConfig, { ...SECRET, MONGO_URL: 'mongodb://db/x', KAFKA_PARTITIONS: '' }).KAFKA_PARTITIONS).toBe(6);
  });

  it('refuses to start without the service call secret', () => {
    expect(() => loadConfig(TestConfig, { MONGO_URL: 'mongodb://db/x' })).toThrow(/SERVICE_AUTH_SECRET/);
  });

  it('lists every bad variable by name at once', () => {
    let error: unknown;
    try {
      loadConfig(TestConfig, { MONGO_URL: 'postgres://nope', PORT: '70000', KAFKA_BROKERS: 'no-port', LOG_LEVEL: 'loud', SERVICE_AUTH_SECRET: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['MONGO_URL', 'PORT', 'KAFKA_BROKERS', 'LOG_LEVEL', 'SERVICE_AUTH_SECRET']) expect(problems).toContain(name);
  });

  it('takes a replication factor and min ISR, and refuses a min ISR above the factor', () => {
    expect(loadConfig(TestConfig, { ...SECRET, MONGO_URL: 'mongodb://db/x' })).toMatchObject({ KAFKA_REPLICATION_FACTOR: 1, KAFKA_MIN_INSYNC_REPLICAS: 1, KAFKA_REPLICATION_CHECK: 'warn' });
    expect(loadConfig(TestConfig, { ...SECRET, MONGO_URL: 'mongodb://db/x', KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toMatchObject({
      KAFKA_REPLICATION_FACTOR: 3,
      KAFKA_MIN_INSYNC_REPLICAS: 2,
    });
    expect(() => loadConfig(TestConfig, { ...SECRET, MONGO_URL: 'mongodb://db/x', KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' })).toThrow(
      /KAFKA_MIN_INSYNC_REPLICAS: KAFKA_MIN_INSYNC_REPLICAS must not exceed KAFKA_REPLICATION_FACTOR/,
    );
    expect(() => loadConfig(TestConfig, { ...SECRET, MONGO_URL: 'mongodb://db/x', KAFKA_REPLICATION_CHECK: 'ignore' })).toThrow(/KAFKA_REPLICATION_CHECK/);
  });
});
