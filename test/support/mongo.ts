import { MongoClient } from 'mongodb';
import { databaseOf, system } from './services';

/** Direct reads of a service's database, to prove what was (not) stored. */
export async function withDatabase<T>(service: 'articles' | 'comments' | 'moderation', work: (db: ReturnType<MongoClient['db']>) => Promise<T>): Promise<T> {
  const sut = system();
  const client = new MongoClient(sut.mongoUrlBase, { retryWrites: false, serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    return await work(client.db(databaseOf(sut, service)));
  } finally {
    await client.close();
  }
}
