import { MongoBulkWriteError, MongoNetworkError } from 'mongodb';
import { InsertBatcher, refusedDocuments } from './insert-batcher';

interface Doc {
  _id: string;
}

/**
 * A collection with unique _ids and the driver's answer to an unordered insertMany: every
 * document is tried; the refused ones come back as write errors by index, next to the count of
 * inserted ones.
 */
class FakeCollection {
  readonly stored = new Set<string>();
  readonly calls: string[][] = [];
  /** Ids the database refuses for another reason than a duplicate (e.g. document validation). */
  readonly invalid = new Set<string>();
  failWith?: Error;

  insertMany = async (docs: Doc[]): Promise<void> => {
    this.calls.push(docs.map((doc) => doc._id));
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failWith) throw this.failWith;
    const writeErrors: { index: number; code: number; errmsg: string }[] = [];
    docs.forEach((doc, index) => {
      if (this.invalid.has(doc._id)) writeErrors.push({ index, code: 121, errmsg: `Document failed validation: ${doc._id}` });
      else if (this.stored.has(doc._id)) writeErrors.push({ index, code: 11000, errmsg: `E11000 duplicate key error: ${doc._id}` });
      else this.stored.add(doc._id);
    });
    if (writeErrors.length) throw bulkError(writeErrors, docs.length - writeErrors.length);
  };
}

/** The driver's MongoBulkWriteError as insertMany throws it for refused documents. */
function bulkError(writeErrors: { index: number; code: number; errmsg: string }[], insertedCount: number, writeConcernError?: unknown) {
  const result = { insertedCount, getWriteConcernError: () => writeConcernError };
  return new MongoBulkWriteError({ message: writeErrors[0]!.errmsg, code: writeErrors[0]!.code, writeErrors } as never, result as never);
}

const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe('InsertBatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('writes inserts arriving within the linger in one insertMany, each caller told it was inserted', async () => {
    const collection = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 5, maxBatch: 100 });
    const results = await Promise.all(['a', 'b', 'c'].map((_id) => batcher.insert({ _id })));
    expect(results).toEqual([true, true, true]);
    expect(collection.calls).toEqual([['a', 'b', 'c']]);
    expect([...collection.stored]).toEqual(['a', 'b', 'c']);
  });

  it('answers false only to the caller whose document was a duplicate in the middle of a batch', async () => {
    const collection = new FakeCollection();
    collection.stored.add('b');
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 5, maxBatch: 100 });
    const results = await Promise.all(['a', 'b', 'c'].map((_id) => batcher.insert({ _id })));
    expect(results).toEqual([true, false, true]);
    expect(collection.calls).toEqual([['a', 'b', 'c']]);
  });

  it('lets the first of two inserts with the same key in one batch win, the second told it was a duplicate', async () => {
    const collection = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 5, maxBatch: 100 });
    expect(await Promise.all([batcher.insert({ _id: 'x' }), batcher.insert({ _id: 'x' })])).toEqual([true, false]);
    expect(collection.calls).toHaveLength(1);
  });

  it('rejects only the caller whose document was refused for another reason than a duplicate', async () => {
    const collection = new FakeCollection();
    collection.stored.add('c');
    collection.invalid.add('b');
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 5, maxBatch: 100 });
    const [a, b, c] = await settle(['a', 'b', 'c'].map((_id) => batcher.insert({ _id })));
    expect(a).toEqual({ status: 'fulfilled', value: true });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 121, message: 'Document failed validation: b' } });
    expect(c).toEqual({ status: 'fulfilled', value: false });
  });

  it('rejects every caller when the error is not about particular documents', async () => {
    const collection = new FakeCollection();
    collection.failWith = new MongoNetworkError('connection reset');
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 5, maxBatch: 100 });
    const outcomes = await settle(['a', 'b'].map((_id) => batcher.insert({ _id })));
    expect(outcomes).toEqual([
      { status: 'rejected', reason: collection.failWith },
      { status: 'rejected', reason: collection.failWith },
    ]);
  });

  it('writes a full batch at once, without waiting for the linger', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    const collection = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 60_000, maxBatch: 2 });
    const full = [batcher.insert({ _id: 'a' }), batcher.insert({ _id: 'b' })];
    const next = batcher.insert({ _id: 'c' });
    expect(collection.calls).toEqual([['a', 'b']]);
    expect(await Promise.all(full)).toEqual([true, true]);
    // The next one waits for company until its linger ends.
    expect(collection.calls).toEqual([['a', 'b']]);
    jest.advanceTimersByTime(60_000);
    expect(collection.calls).toEqual([['a', 'b'], ['c']]);
    expect(await next).toBe(true);
  });

  it('writes each insert at once and alone with a linger of 0', async () => {
    const collection = new FakeCollection();
    collection.stored.add('b');
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 0, maxBatch: 100 });
    const pending = ['a', 'b', 'c'].map((_id) => batcher.insert({ _id }));
    // Sent before anyone waited: no timer involved.
    expect(collection.calls).toEqual([['a'], ['b'], ['c']]);
    expect(await Promise.all(pending)).toEqual([true, false, true]);
  });

  it('starts a new batch after a write, and survives a failed one', async () => {
    const collection = new FakeCollection();
    const batcher = new InsertBatcher<Doc>(collection.insertMany, { lingerMs: 1, maxBatch: 100 });
    collection.failWith = new Error('primary stepped down');
    await expect(batcher.insert({ _id: 'a' })).rejects.toThrow('primary stepped down');
    collection.failWith = undefined;
    expect(await Promise.all([batcher.insert({ _id: 'a' }), batcher.insert({ _id: 'b' })])).toEqual([true, true]);
    expect(collection.calls).toEqual([['a'], ['a', 'b']]);
  });
});

describe('refusedDocuments', () => {
  const duplicate = (index: number) => ({ index, code: 11000, errmsg: 'E11000 duplicate key error' });

  it('maps the write errors by index when they and the inserted documents account for the whole batch', () => {
    const refused = refusedDocuments(bulkError([duplicate(1), duplicate(3)], 2), 4);
    expect([...refused!.keys()]).toEqual([1, 3]);
  });

  it('treats the error as the whole batch\'s when some documents are unaccounted for (a later part of the batch never answered)', () => {
    expect(refusedDocuments(bulkError([duplicate(1)], 2), 5)).toBeUndefined();
  });

  it('treats a write concern error, and an error without write errors, as the whole batch\'s', () => {
    expect(refusedDocuments(bulkError([duplicate(0)], 1, { code: 64, errmsg: 'waiting for replication timed out' }), 2)).toBeUndefined();
    expect(refusedDocuments(Object.assign(new Error('E11000 at command level'), { code: 11000 }), 2)).toBeUndefined();
    expect(refusedDocuments(undefined, 2)).toBeUndefined();
  });
});
