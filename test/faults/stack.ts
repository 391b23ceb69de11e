import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/infrastructure';

/**
 * The fault suite's own infrastructure: it stops and restarts the broker and the database, so it
 * never runs on the shared default ports. A stack of its own under .infra/faults, on its own
 * ports (FAULTS_* to change them), sharing only the download/build cache.
 */
export const STACK_ENV: Record<string, string> = {
  INFRA_DIR: process.env.FAULTS_INFRA_DIR ?? path.join(ROOT, '.infra', 'faults'),
  INFRA_CACHE: process.env.FAULTS_INFRA_CACHE ?? path.join(ROOT, '.infra', 'cache'),
  KAFKA_PORT: process.env.FAULTS_KAFKA_PORT ?? '19092',
  KAFKA_CONTROLLER_PORT: process.env.FAULTS_KAFKA_CONTROLLER_PORT ?? '19093',
  MONGO_PORT: process.env.FAULTS_MONGO_PORT ?? '37017',
  PG_PORT: process.env.FAULTS_PG_PORT ?? '55433',
  // FAULTS_BROKERS=3: a three-broker cluster (scripts/test-faults-cluster.sh), brokers 2 ports apart.
  KAFKA_BROKERS_COUNT: process.env.FAULTS_BROKERS ?? '1',
};

/** The stack's brokers: node i on KAFKA_PORT + 2(i-1), as scripts/infra.sh places them. */
export const stackBrokerPorts = () =>
  Array.from({ length: Number(STACK_ENV.KAFKA_BROKERS_COUNT) }, (_, i) => Number(STACK_ENV.KAFKA_PORT) + 2 * i);

export type Component = 'kafka' | 'postgresql' | 'ferretdb';

/** Runs scripts/infra.sh on the private stack; its summary lines go to stderr (jest shows them). */
export function infra(...args: string[]): string {
  // Never KAFKA_BROKERS/MONGO_URL from the caller: they point at the shared stack.
  const { KAFKA_BROKERS: _k, MONGO_URL: _m, ...env } = process.env;
  return execFileSync('bash', [path.join(ROOT, 'scripts', 'infra.sh'), ...args], {
    env: { ...env, ...STACK_ENV },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    // A broker restarting on a loaded machine may take minutes (FAULTS_INFRA_TIMEOUT_MS).
    timeout: Number(process.env.FAULTS_INFRA_TIMEOUT_MS ?? 180_000),
  });
}

export const stackBrokers = () => stackBrokerPorts().map((port) => `127.0.0.1:${port}`).join(',');
export const stackMongo = () => `mongodb://127.0.0.1:${STACK_ENV.MONGO_PORT}`;
