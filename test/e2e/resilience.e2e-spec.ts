import { TOPICS } from '@app/contracts';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken } from '../support/api';
import { readTopic } from '../support/kafka';
import { withDatabase } from '../support/mongo';
import { currentPid, ServiceName, startService, stopProcess, system, waitReady } from '../support/services';


async function killAndRestart(name: ServiceName, whileDown: () => Promise<void>) {
  const sut = system();
  await stopProcess(currentPid(sut, name), 'SIGKILL');
  await whileDown();
  startService(sut, name);
  await waitReady(sut.ports[name]);
}

const publish = async () => {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
  expect(response.status).toBe(201);
  return response.body.id as string;
};

describe('a service killed mid-stream', () => {
  it('loses no event: every story published around a kill -9 of the comments service gets its thread once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await publish());
    await killAndRestart('comments', async () => {
      for (let i = 0; i < 10; i++) ids.push(await publish());
    });
    for (let i = 0; i < 10; i++) ids.push(await publish());

    await eventually(
      async () => {
        const count = await withDatabase('comments', (db) => db.collection('threads').countDocuments({ _id: { $in: ids as never[] }, state: 'open' }));
        expect(count).toBe(ids.length);
      },
      { timeoutMs: 60_000 },
    );
    for (const id of ids) expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('open');
    const opened = await readTopic(
      TOPICS.COMMENTS,
      (m) => ids.includes(m.key ?? '') && (m.value ?? '').includes('"thread.opened"'),
      // Duplicates are allowed (a kill between publish and bookkeeping re-publishes): wait for every story.
      (m) => new Set(m.map((x) => x.key)).size >= ids.length,
    );
    // At least once on the wire; each story's thread was opened by exactly one state change.
    expect(new Set(opened.map((m) => m.key))).toEqual(new Set(ids));
    expect(new Set(opened.map((m) => JSON.parse(m.value!).id)).size).toBe(ids.length);
  });

  it('loses no event when the articles service is killed right after answering', async () => {
    const ids: string[] = [];
    await killAndRestart('articles', async () => {
      // The gateway answers 503 while articles is down; nothing is half-done.
      const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput() });
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('service_unavailable');
    });
    for (let i = 0; i < 5; i++) ids.push(await publish());
    await killAndRestart('articles', async () => undefined);
    await eventually(
      async () => {
        for (const id of ids) expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200);
      },
      { timeoutMs: 60_000 },
    );
    // Published events leave a document once it has been quiet for a moment (see MongooseOutboxStore).
    await eventually(
      async () => {
        const left = await withDatabase('articles', (db) => db.collection('articles').countDocuments({ _id: { $in: ids as never[] }, outboxAt: { $exists: true } }));
        expect(left).toBe(0);
      },
      { timeoutMs: 30_000 },
    );
  });
});
