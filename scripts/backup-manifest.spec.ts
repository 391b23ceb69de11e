import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const m = require('./backup-manifest');

const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A backup directory as scripts/backup.js writes it, with these documents per collection. */
function writeBackup(data: Record<string, Record<string, object[]>> = { articles: { articles: [{ _id: 'a1', title: 'T' }] }, comments: {}, moderation: {} }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-spec-'));
  made.push(dir);
  const databases: Record<string, { collections: object[] }> = {};
  for (const service of ['articles', 'comments', 'moderation']) {
    fs.mkdirSync(path.join(dir, service));
    databases[service] = {
      collections: Object.entries(data[service] ?? {}).map(([name, docs]) => {
        const text = docs.map((d) => `${m.EJSON.stringify(d, { relaxed: false })}\n`).join('');
        fs.writeFileSync(path.join(dir, service, `${name}.ndjson`), text);
        return { name, file: `${service}/${name}.ndjson`, count: docs.length, bytes: text.length, sha256: createHash('sha256').update(text).digest('hex'), outboxPending: 0, indexes: [] };
      }),
    };
  }
  const manifest: Record<string, unknown> = { format: m.FORMAT, version: m.VERSION, createdAt: new Date().toISOString(), settled: true, problems: [], databases, kafka: {} };
  manifest.checksum = m.checksumOf(manifest);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}

const rewriteManifest = (dir: string, change: (manifest: any) => void, reseal = true) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  change(manifest);
  if (reseal) manifest.checksum = m.checksumOf(manifest);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
};

describe('backup manifest', () => {
  it('reads back a backup it wrote, types kept', async () => {
    const at = new Date('2015-07-21T09:30:00Z');
    const { dir } = writeBackup({ articles: { articles: [{ _id: 'a1', publishedAt: at }] }, comments: { comments: [] }, moderation: {} });
    const manifest = await m.readBackup(dir);
    expect(manifest.databases.comments.collections[0]).toMatchObject({ name: 'comments', count: 0 });
    const line = fs.readFileSync(path.join(dir, 'articles', 'articles.ndjson'), 'utf8').trim();
    expect(m.EJSON.parse(line, { relaxed: false }).publishedAt).toEqual(at);
  });

  it('refuses a directory without a manifest, a manifest that is not JSON, another format or version', async () => {
    const { dir } = writeBackup();
    await expect(m.readBackup(path.join(dir, 'articles'))).rejects.toThrow(/manifest.json not found/);
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"format":');
    await expect(m.readBackup(dir)).rejects.toThrow(/is not JSON/);
    const other = writeBackup().dir;
    rewriteManifest(other, (x) => (x.format = 'mongodump'));
    await expect(m.readBackup(other)).rejects.toThrow(/format is "mongodump"/);
    const newer = writeBackup().dir;
    rewriteManifest(newer, (x) => (x.version = 2));
    await expect(m.readBackup(newer)).rejects.toThrow(/version 2 is not supported/);
  });

  it('refuses an edited manifest (checksum), an entry naming a file outside the backup, a missing service', async () => {
    const edited = writeBackup().dir;
    rewriteManifest(edited, (x) => (x.databases.articles.collections[0].count = 2), false);
    await expect(m.readBackup(edited)).rejects.toThrow(/checksum does not match/);
    const escaping = writeBackup().dir;
    rewriteManifest(escaping, (x) => (x.databases.articles.collections[0].file = '../../etc/passwd'));
    await expect(m.readBackup(escaping)).rejects.toThrow(/bad entry for articles/);
    const partial = writeBackup().dir;
    rewriteManifest(partial, (x) => delete x.databases.moderation);
    await expect(m.readBackup(partial)).rejects.toThrow(/no collection list for moderation/);
  });

  it('refuses a data file that is missing, short, changed, or has a line that is not a document', async () => {
    const file = (dir: string) => path.join(dir, 'articles', 'articles.ndjson');
    const missing = writeBackup().dir;
    fs.rmSync(file(missing));
    await expect(m.readBackup(missing)).rejects.toThrow(/articles\/articles.ndjson is missing/);
    const short = writeBackup().dir;
    fs.writeFileSync(file(short), '');
    await expect(m.readBackup(short)).rejects.toThrow(/0 documents, the manifest says 1/);
    const changed = writeBackup().dir;
    fs.writeFileSync(file(changed), fs.readFileSync(file(changed), 'utf8').replace('"T"', '"U"'));
    await expect(m.readBackup(changed)).rejects.toThrow(/sha256 [0-9a-f]+ does not match/);
    const broken = writeBackup().dir;
    fs.writeFileSync(file(broken), '[1,2]\n');
    await expect(m.readBackup(broken)).rejects.toThrow(/line 1: not a document/);
  });

  it('reads the system from the same variables the services and the chart use', () => {
    expect(m.systemFromEnv({})).toEqual({
      databases: { articles: 'mongodb://127.0.0.1:27017/articles', comments: 'mongodb://127.0.0.1:27017/comments', moderation: 'mongodb://127.0.0.1:27017/moderation' },
      kafka: { brokers: ['127.0.0.1:9092'], prefix: '', groups: { articles: 'articles', comments: 'comments', moderation: 'moderation' } },
    });
    const env = { MONGO_URL_BASE: 'mongodb://db:27017/', MONGO_URL_COMMENTS: 'mongodb://c:1/cm?replicaSet=rs0', KAFKA_BROKERS: 'k1:9092, k2:9092', KAFKA_TOPIC_PREFIX: 'staging.', KAFKA_GROUP_ID_MODERATION: 'mod-b' };
    expect(m.systemFromEnv(env)).toMatchObject({
      databases: { articles: 'mongodb://db:27017/articles', comments: 'mongodb://c:1/cm?replicaSet=rs0' },
      kafka: { brokers: ['k1:9092', 'k2:9092'], prefix: 'staging.', groups: { moderation: 'mod-b' } },
    });
  });

  it('takes only the arguments it knows', () => {
    expect(m.parseArgs(['--out', '/tmp/x', '--allow-unsettled'], { values: ['out'], flags: ['allow-unsettled'] })).toEqual({ out: '/tmp/x', 'allow-unsettled': true });
    expect(() => m.parseArgs(['--frm', 'x'], { values: ['from'], flags: [] })).toThrow(/unknown argument --frm/);
    expect(() => m.parseArgs(['/tmp/x'], { values: ['from'], flags: [] })).toThrow(/unknown argument \/tmp\/x/);
  });
});
