/**
 * Errors that say the infrastructure is away for a while (the database restarting, a connection
 * cut), not that the event or the handler is wrong. Retrying fixes them once it is back, so they
 * never count toward dead-lettering: the fault suite saw good decisions dead-lettered (and their
 * comments left pending) because PostgreSQL under FerretDB restarted for a second.
 */
const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
]);

/**
 * MongoDB server codes of a node shutting down or stepping down (a restart, a failover): the
 * write is retried on the next primary. InterruptedAtShutdown, ShutdownInProgress,
 * PrimarySteppedDown, InterruptedDueToReplStateChange, NotWritablePrimary, NotPrimaryNoSecondaryOk,
 * NotPrimaryOrSecondary.
 */
const TRANSIENT_CODES = new Set([11600, 91, 189, 11602, 10107, 13435, 13436]);

/**
 * FerretDB passes PostgreSQL's errors on as text: SQLSTATE class 08 (connection), 57P (shutdown,
 * restart), 53300 (too many connections) and 40P01 (deadlock detected: the retry succeeds).
 */
const TRANSIENT_MESSAGE = /SQLSTATE (08|57P|53300|40P01)|ECONNREFUSED|ECONNRESET|EPIPE|connection (closed|refused|reset)|server selection timed out/i;

export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_NAMES.has(error.name) || TRANSIENT_MESSAGE.test(error.message)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && TRANSIENT_CODES.has(code)) return true;
  return error.cause !== undefined && error.cause !== error && isTransientError(error.cause);
}
