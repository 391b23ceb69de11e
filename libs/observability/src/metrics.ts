import { collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (prom-client's default registry), served at GET /metrics by
 * every service. Names follow Prometheus conventions; labels stay low-cardinality (collection,
 * command, event type, route pattern, never an id).
 */
export const metricsRegistry: Registry = register;

let defaultsOn = false;
/** Node's process metrics (CPU, memory, event loop lag, GC); once per process. */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** Every command sent to the database, by collection and command (from the driver's command monitoring). */
export const dbCommands = new Counter({
  name: 'db_commands_total',
  help: 'Database commands sent, by collection, command and outcome',
  labelNames: ['collection', 'command', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const dbCommandSeconds = new Histogram({
  name: 'db_command_duration_seconds',
  help: 'Database command round trips, by collection and command',
  labelNames: ['collection', 'command'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
  registers: [metricsRegistry],
});

/** Events handled by this service's consumer: ok, retried (an attempt failed), dead_lettered. */
export const eventsHandled = new Counter({
  name: 'events_handled_total',
  help: 'Events consumed, by type and outcome',
  labelNames: ['type', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const eventHandlingSeconds = new Histogram({
  name: 'event_handling_duration_seconds',
  help: 'Time to handle one event, retries included, by type',
  labelNames: ['type'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [metricsRegistry],
});

export const httpRequestSeconds = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests answered, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [metricsRegistry],
});

interface CommandStarted {
  requestId: number;
  commandName: string;
  command: Record<string, unknown>;
}
interface CommandEnded {
  requestId: number;
  commandName: string;
  duration: number;
}
interface MonitoredClient {
  on(event: 'commandStarted', listener: (event: CommandStarted) => void): unknown;
  on(event: 'commandSucceeded' | 'commandFailed', listener: (event: CommandEnded) => void): unknown;
}

/** Commands that carry no collection name worth a label (handshakes, pings, cursors' getMore). */
const collectionOf = (event: CommandStarted): string => {
  const target = event.command[event.commandName];
  return typeof target === 'string' ? target : '-';
};

/** Counts and times a MongoDB client's commands; the client must be created with `monitorCommands: true`. */
export function instrumentMongoClient(client: MonitoredClient): void {
  const started = new Map<number, string>();
  client.on('commandStarted', (event) => {
    started.set(event.requestId, event.commandName === 'getMore' ? String(event.command.collection ?? '-') : collectionOf(event));
  });
  const ended = (outcome: 'ok' | 'error') => (event: CommandEnded) => {
    const collection = started.get(event.requestId) ?? '-';
    started.delete(event.requestId);
    dbCommands.inc({ collection, command: event.commandName, outcome });
    dbCommandSeconds.observe({ collection, command: event.commandName }, event.duration / 1000);
  };
  client.on('commandSucceeded', ended('ok'));
  client.on('commandFailed', ended('error'));
}

/** Comments pending moderation: the oldest one's age (set by the comments service's reconciler). */
export const oldestPendingCommentSeconds = new Gauge({
  name: 'comments_oldest_pending_seconds',
  help: 'Age of the oldest comment still pending moderation (0 when none), as of the last reconciler pass',
  registers: [metricsRegistry],
});

/** Comments the reconciler announced again because they stayed pending too long. */
export const commentsReannounced = new Counter({
  name: 'comments_reannounced_total',
  help: 'Pending comments whose submission the reconciler announced again',
  registers: [metricsRegistry],
});

/** Dead letters of a consumer group not yet re-driven (`npm run dlq -- redrive`), refreshed every 15 s. */
export const deadLetterDepth = new Gauge({
  name: 'dead_letters_waiting',
  help: 'Messages in <group>.dlq past the re-drive offset of <group>.dlq.redrive, by consumer group',
  labelNames: ['group'] as const,
  registers: [metricsRegistry],
});

/**
 * 1 for a topic of ours that exists with fewer replicas or a lower min.insync.replicas than
 * configured (KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS), seen at start; 0 when it is as
 * configured. Topics are a fixed, small set: a fine label.
 */
export const kafkaTopicUnderReplicated = new Gauge({
  name: 'kafka_topic_under_replicated',
  help: 'Topics found at start with fewer replicas or a lower min ISR than configured (1) or as configured (0)',
  labelNames: ['topic'] as const,
  registers: [metricsRegistry],
});
