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

/** FerretDB passes PostgreSQL's errors on as text: SQLSTATE class 08 (connection) and 57P (shutdown, restart). */
const TRANSIENT_MESSAGE = /SQLSTATE (08|57P)|ECONNREFUSED|ECONNRESET|EPIPE|connection (closed|refused|reset)|server selection timed out/i;

export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_NAMES.has(error.name) || TRANSIENT_MESSAGE.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isTransientError(error.cause);
}
