import { MongoServerError } from 'mongodb';
import { isTransientError } from './transient-error';

const mongo = (code: number, codeName: string) => new MongoServerError({ message: `${codeName} (test)`, code, codeName });

describe('isTransientError', () => {
  it.each([
    ['InterruptedAtShutdown', mongo(11600, 'InterruptedAtShutdown')],
    ['ShutdownInProgress', mongo(91, 'ShutdownInProgress')],
    ['PrimarySteppedDown', mongo(189, 'PrimarySteppedDown')],
    ['PostgreSQL too_many_connections via FerretDB', new Error('ERROR: sorry, too many clients already (SQLSTATE 53300)')],
    ['PostgreSQL deadlock_detected via FerretDB', new Error('ERROR: deadlock detected (SQLSTATE 40P01)')],
    ['a wrapped shutdown', new Error('handler failed', { cause: mongo(91, 'ShutdownInProgress') })],
  ])('counts %s as an outage, not as a failed event', (_name, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', mongo(11000, 'DuplicateKey')],
    ['a validation failure', mongo(121, 'DocumentValidationFailure')],
    ['a unique violation in PostgreSQL', new Error('duplicate key value violates unique constraint (SQLSTATE 23505)')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('counts %s as the event or handler being wrong', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
