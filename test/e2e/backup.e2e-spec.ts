import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { ROOT } from '../support/infrastructure';
import { settledState } from '../support/snapshot';
import {
  consumerGroupOf,
  databaseOf,
  freePort,
  SERVICES,
  startService,
  stopProcess,
  system,
  SystemUnderTest,
  tailLog,
  topicPrefixOf,
  waitReady,
} from '../support/services';

/**
 * Backup and restore (docs/operations.md, "Backup and restore"), end to end: the run's system gets
 * stories and comments in every state (approved, a reply, held by the rules, pre-moderated and then
 * approved or rejected by a moderator, still held, rejected by the rules, a thread closed by hand,
 * one archived by its policy); `npm run backup` takes it; a second system that has nothing (its own
 * databases, topics and consumer groups: what a wiped system is) gets it with `npm run restore`,
 * then its four services start on it, and the public API answers what the first system answered.
 */

const DATA_SERVICES = ['articles', 'comments', 'moderation'] as const;
const SLOW = { timeoutMs: 60_000, intervalMs: 250 };
const DAY = 86_400_000;

const moderator = () => tokenFor({ sub: 'backup-mod', name: 'Backup Moderator', roles: ['moderator'] });
const reader = (name: string) => {
  const sub = `backup-${name.toLowerCase()}-${randomUUID().slice(0, 6)}`;
  return { sub, token: tokenFor({ sub, name, roles: ['reader'] }) };
};

/** The environment the CLIs read (scripts/backup-manifest.js): a system's databases, topics and groups. */
const cliEnv = (sut: SystemUnderTest): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  KAFKA_BROKERS: sut.kafkaBrokers,
  KAFKA_TOPIC_PREFIX: topicPrefixOf(sut),
  ...Object.fromEntries(DATA_SERVICES.flatMap((s) => [[`MONGO_URL_${s.toUpperCase()}`, `${sut.mongoUrlBase}/${databaseOf(sut, s)}`], [`KAFKA_GROUP_ID_${s.toUpperCase()}`, consumerGroupOf(sut, s)]])),
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = (script: 'backup' | 'restore', args: string[], sut: SystemUnderTest) =>
  new Promise<CliResult>((resolve) =>
    execFile(process.execPath, [path.join(ROOT, 'scripts', `${script}.js`), ...args], { env: cliEnv(sut), cwd: ROOT, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

/** Per collection of a system's three databases: count and a hash of every document (in _id order). */
async function digest(sut: SystemUnderTest): Promise<Record<string, string>> {
  const client = new MongoClient(sut.mongoUrlBase, { retryWrites: false, serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  try {
    const out: Record<string, string> = {};
    for (const service of DATA_SERVICES) {
      const db = client.db(databaseOf(sut, service));
      for (const { name } of await db.listCollections().toArray()) {
        if (name === 'health_probes') continue;
        const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
        out[`${service}.${name}`] = `${docs.length} ${createHash('sha256').update(JSON.stringify(docs)).digest('hex').slice(0, 16)}`;
      }
    }
    return out;
  } finally {
    await client.close();
  }
}

async function publishStory(overrides: Record<string, unknown>, tag: string): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput({ tags: ['Hartford', tag], ...overrides }) });
  expect(response.status).toBe(201);
  const id = response.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200), SLOW);
  return id;
}

const post = async (story: string, token: string, body: string, parentId?: string): Promise<string> => {
  const response = await api('POST', `/api/v1/articles/${story}/comments`, { token, body: { body, ...(parentId ? { parentId } : {}) } });
  expect(response.status).toBe(202);
  return response.body.id as string;
};

const statusOf = async (id: string, token: string, port?: number) => (await api('GET', `/api/v1/comments/${id}`, { token, port })).body?.status;

describe('backup and restore', () => {
  const source = system();
  const tag = `backup-${randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-e2e-'));
  let target: SystemUnderTest;

  beforeAll(async () => {
    const ports = {} as SystemUnderTest['ports'];
    for (const name of SERVICES) ports[name] = await freePort();
    // Nothing of the first system: its own run id, hence its own databases, topics and groups; the same secrets (tokens work on both).
    target = { ...source, runId: `${source.runId}r${randomBytes(2).toString('hex')}`, ports, pids: {} as SystemUnderTest['pids'], logDir: path.join(source.logDir, 'restored'), demoPort: undefined };
    fs.mkdirSync(target.logDir, { recursive: true });
  });

  afterAll(async () => {
    await Promise.all(Object.values(target.pids).map((pid) => stopProcess(pid)));
    fs.rmSync(dir, { recursive: true, force: true });
    const client = new MongoClient(target.mongoUrlBase, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    for (const service of DATA_SERVICES) await client.db(databaseOf(target, service)).dropDatabase();
    await client.close();
    const admin = new Kafka({ brokers: target.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefixOf(target)));
    if (topics.length) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('backs up a system, restores it into an empty one, and the restored one answers the same', async () => {
    // --- a system with a bit of everything
    const [ann, bob, carl, dana, eve, fay, gil] = ['Ann', 'Bob', 'Carl', 'Dana', 'Eve', 'Fay', 'Gil'].map(reader);
    const open = await publishStory({}, tag);
    const premoderated = await publishStory({ commentPolicy: { preModeration: true } }, tag);
    const closing = await publishStory({}, tag);
    const archived = await publishStory({ publishedAt: new Date(Date.now() - 90 * DAY).toISOString(), commentPolicy: { closeAfterDays: 1, archiveAfterDays: 2 } }, tag);
    const stories = [open, premoderated, closing, archived];

    const top = await post(open, ann.token, 'When will Malloy bring in the National Guard?');
    await eventually(async () => expect(await statusOf(top, ann.token)).toBe('approved'), SLOW);
    const reply = await post(open, bob.token, 'Not before the budget passes.', top);
    const insult = await post(open, carl.token, 'Only a moron would sign this budget at 3 a.m.');
    const profane = await post(open, carl.token, 'f u c k this council');
    const approvedByHand = await post(premoderated, dana.token, 'Fares have not moved in ten years.');
    const rejectedByHand = await post(premoderated, eve.token, 'Please fix the potholes on Main Street.');
    const stillHeld = await post(premoderated, fay.token, 'What about the night buses?');
    const beforeClosing = await post(closing, gil.token, 'Thanks for covering this.');
    const comments = [
      { id: top, token: ann.token, status: 'approved' },
      { id: reply, token: bob.token, status: 'approved' },
      { id: insult, token: carl.token, status: 'held' },
      { id: profane, token: carl.token, status: 'rejected' },
      { id: approvedByHand, token: dana.token, status: 'approved' },
      { id: rejectedByHand, token: eve.token, status: 'rejected' },
      { id: stillHeld, token: fay.token, status: 'held' },
      { id: beforeClosing, token: gil.token, status: 'approved' },
    ];
    await eventually(async () => {
      for (const id of [approvedByHand, rejectedByHand, stillHeld]) expect(await statusOf(id, moderator())).toBe('held');
    }, SLOW);
    const decide = (id: string, decision: 'approve' | 'reject', reason: string) =>
      api('POST', `/api/v1/moderation/comments/${id}/decision`, { token: moderator(), body: { decision, reason } });
    expect((await decide(approvedByHand, 'approve', 'On topic')).status).toBe(200);
    expect((await decide(rejectedByHand, 'reject', 'Off topic')).status).toBe(200);
    await eventually(async () => {
      for (const c of comments) expect([c.id, await statusOf(c.id, c.token)]).toEqual([c.id, c.status]);
    }, SLOW);
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${closing}/comments`)).body.commentCount).toBe(1), SLOW);
    expect((await api('POST', `/api/v1/articles/${closing}/thread/close`, { token: moderator(), body: { note: 'Enough said' } })).status).toBe(200);
    await eventually(async () => {
      expect((await api('GET', `/api/v1/articles/${closing}`)).body.comments.state).toBe('closed');
      expect((await api('GET', `/api/v1/articles/${archived}`)).body.comments.state).toBe('archived');
      expect((await api('GET', `/api/v1/articles/${open}/comments`)).body.commentCount).toBe(2);
    }, SLOW);

    /** What readers, authors and moderators see of these stories, through a system's gateway. */
    const answers = async (port: number) => {
      const get = async (url: string, token?: string) => {
        const response = await api('GET', url, { token, port });
        return { url, status: response.status, body: response.body };
      };
      const out = [await get(`/api/v1/articles?tag=${tag}&limit=10`)];
      for (const story of stories) {
        out.push(await get(`/api/v1/articles/${story}`), await get(`/api/v1/articles/${story}/comments`), await get(`/api/v1/articles/${story}/thread`, moderator()));
        for (const status of ['held', 'approved', 'rejected']) out.push(await get(`/api/v1/moderation/queue?status=${status}&articleId=${story}`, moderator()));
      }
      out.push(await get(`/api/v1/moderation/queue/counts?articleIds=${stories.join(',')}`, moderator()));
      for (const c of comments) {
        out.push(await get(`/api/v1/comments/${c.id}`), await get(`/api/v1/comments/${c.id}`, c.token), await get(`/api/v1/moderation/comments/${c.id}/history`, moderator()));
      }
      return out;
    };

    // Quiet: nothing in flight (the backup checks it too, and would take it again).
    await settledState(60_000);
    const before = await answers(source.ports.gateway);
    expect(before.every((a) => a.status === 200 || (a.status === 404 && a.url.startsWith('/api/v1/comments/')))).toBe(true);
    expect(before.find((a) => a.url === `/api/v1/moderation/queue/counts?articleIds=${stories.join(',')}`)!.body).toMatchObject({ held: 2, approved: 4, rejected: 2 });

    // --- back up
    const out = path.join(dir, 'backup');
    const backup = await cli('backup', ['--out', out], source);
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'comment-platform-backup', version: 1, settled: true, problems: [] });
    const counted = (service: string, name: string) => manifest.databases[service].collections.find((c: { name: string }) => c.name === name);
    expect(counted('comments', 'comments').count).toBeGreaterThanOrEqual(comments.length);
    expect(counted('articles', 'articles').count).toBeGreaterThanOrEqual(stories.length);
    expect(counted('comments', 'comments').indexes.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['articleId_1_importKey_1']));
    for (const service of DATA_SERVICES) expect(manifest.kafka.after.groups[service]).toMatchObject({ group: consumerGroupOf(source, service), lag: 0, deadLetters: 0 });
    console.log(`backup: ${backup.stdout.trim()}`);

    // --- the empty system: nothing in its databases, no topics
    const empty = await digest(target);
    expect(Object.values(empty).every((v) => v.startsWith('0 '))).toBe(true);

    // A damaged backup is refused before anything is touched: an edited manifest, a truncated file.
    const edited = path.join(dir, 'edited');
    fs.cpSync(out, edited, { recursive: true });
    fs.writeFileSync(path.join(edited, 'manifest.json'), fs.readFileSync(path.join(out, 'manifest.json'), 'utf8').replace('"settled": true', '"settled": false'));
    const refusedEdited = await cli('restore', ['--from', edited], target);
    expect(refusedEdited.code).toBe(1);
    expect(refusedEdited.stderr).toMatch(/checksum does not match/);
    const truncated = path.join(dir, 'truncated');
    fs.cpSync(out, truncated, { recursive: true });
    const commentsFile = path.join(truncated, 'comments', 'comments.ndjson');
    fs.writeFileSync(commentsFile, fs.readFileSync(commentsFile, 'utf8').split('\n').slice(1).join('\n'));
    const refusedTruncated = await cli('restore', ['--from', truncated], target);
    expect(refusedTruncated.code).toBe(1);
    expect(refusedTruncated.stderr).toMatch(/comments\/comments\.ndjson: \d+ documents, the manifest says \d+/);
    expect(await digest(target)).toEqual(empty);

    // --- restore into it
    const restore = await cli('restore', ['--from', out], target);
    expect(restore).toMatchObject({ code: 0, stderr: '' });
    console.log(`restore: ${restore.stdout.trim()}`);
    const restored = await digest(target);
    expect(restored).toEqual(await digest(source));

    // A second restore finds it in use and changes nothing; --force drops and restores again.
    const again = await cli('restore', ['--from', out], target);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the target is not empty, nothing changed: .*comments\.comments has documents/);
    expect(await digest(target)).toEqual(restored);
    const forced = await cli('restore', ['--from', out, '--force'], target);
    expect(forced.code).toBe(0);
    expect(await digest(target)).toEqual(restored);

    // --- the restored system's services start on it (their topics and groups are new) and answer the same
    for (const name of SERVICES) {
      target.pids[name] = startService(target, name).pid!;
      // The global teardown stops whatever this file leaves running.
      fs.appendFileSync(path.join(source.logDir, 'pids'), `${target.pids[name]}\n`);
    }
    try {
      await Promise.all(SERVICES.map((name) => waitReady(target.ports[name], 90_000)));
    } catch (error) {
      for (const name of SERVICES) console.error(`--- restored ${name} ---\n${tailLog(target, name)}`);
      throw error;
    }
    await eventually(async () => expect(await answers(target.ports.gateway)).toEqual(before), SLOW);

    // And it carries on: a new comment on the restored open thread goes through moderation on the new topics and is counted.
    const hal = reader('Hal');
    const response = await api('POST', `/api/v1/articles/${open}/comments`, { token: hal.token, body: { body: 'Glad this is back.' }, port: target.ports.gateway });
    expect(response.status).toBe(202);
    await eventually(async () => {
      const thread = await api('GET', `/api/v1/articles/${open}/comments`, { port: target.ports.gateway });
      expect(thread.body.commentCount).toBe(3);
      expect(thread.body.comments.map((c: { id: string }) => c.id)).toEqual([top, reply, response.body.id]);
    }, SLOW);
  }, 480_000);
});
