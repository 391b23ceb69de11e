import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/infrastructure';
import { launchSystem, publishSystem } from '../support/services';
import { infra, STACK_ENV, stackBrokers, stackMongo } from './stack';

/**
 * The fault suite's system: its private stack (stack.ts), a fresh build, and the four services
 * with settings for a load test (rate limits out of the way, quick failover and outbox polls).
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  process.stdout.write(infra('up'));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const sut = await launchSystem({
    kafkaBrokers: stackBrokers(),
    mongoUrlBase: stackMongo(),
    logRoot: path.join(ROOT, '.infra', 'logs', 'faults'),
    startedAt: started,
    env: {
      RATE_LIMIT_READER_PER_MINUTE: '100000',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '100000',
      // A reader's retry must not be judged a repeat of the same text (bodies are unique anyway).
      MODERATION_REPEAT_WINDOW_SECONDS: '0',
      // On the three-broker stack, topics as on a production cluster: 3 copies, 2 in sync.
      ...(Number(STACK_ENV.KAFKA_BROKERS_COUNT) > 1
        ? { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', KAFKA_REPLICATION_CHECK: 'refuse' }
        : {}),
    },
  });
  publishSystem(sut);
  console.log(`\nfault-suite system ready in ${Date.now() - started} ms (private stack ${stackBrokers()}, ${stackMongo()}; run ${sut.runId}; logs in ${path.relative(ROOT, sut.logDir)})`);
}
