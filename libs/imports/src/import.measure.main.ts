/**
 * How long a big Disqus export takes through the import command, and how much memory the command
 * needs: writes an export of --comments posts (default 100,000) over --stories new stories
 * (default 20; one in four posts a reply), publishes the stories through the API, runs
 * `npm run import`'s command on it as a child process and prints the elapsed time, the rate and
 * the command's peak RSS, then checks the threads' counts through the API.
 *
 *   npm run import:measure -- --url http://127.0.0.1:3000 --token $ADMIN [--comments 100000] [--stories 20] [--dir /tmp]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';

const option = (name: string, fallback?: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};

async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> };
}

/** Writes the export post by post (never built in memory either), waiting for the stream to drain. */
async function writeExport(file: string, stories: { id: string; url: string }[], comments: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n');
  for (const [n, story] of stories.entries()) {
    await write(`  <thread dsq:id="${n + 1}"><id>measure-${n}</id><link>${story.url}</link><title>Story ${n}</title></thread>\n`);
  }
  const start = Date.UTC(2014, 0, 1);
  for (let i = 0; i < comments; i += 1) {
    const thread = (i % stories.length) + 1;
    // One in four replies to the post of its thread four posts earlier.
    const parent = i % 4 === 3 && i >= stories.length * 4 ? `<parent dsq:id="${100000000 + i - stories.length * 4}"/>` : '';
    await write(
      `  <post dsq:id="${100000000 + i}"><id/><message><![CDATA[<p>Comment ${i} on the budget &amp; the <a href="https://example.com/r/${i}">report</a>: ` +
        `the committee met on Tuesday and voted along party lines.</p><p>Second paragraph &mdash; ${i % 97}.</p>]]></message>` +
        `<createdAt>${new Date(start + i * 60_000).toISOString().replace('.000', '')}</createdAt><isDeleted>false</isDeleted><isSpam>${i % 50 === 7}</isSpam>` +
        `<author><name>Reader ${i % 5000}</name><isAnonymous>false</isAnonymous></author><thread dsq:id="${thread}"/>${parent}</post>\n`,
    );
  }
  await write('</disqus>\n');
  out.end();
  await once(out, 'finish');
}

async function main() {
  const url = option('url', 'http://127.0.0.1:3000')!;
  const token = option('token', process.env.IMPORT_TOKEN)!;
  const comments = Number(option('comments', '100000'));
  const storyCount = Number(option('stories', '20'));
  const dir = mkdtempSync(join(option('dir', tmpdir())!, 'import-measure-'));
  const stories: { id: string; url: string }[] = [];
  for (let n = 0; n < storyCount; n += 1) {
    const slug = `import-measure-${randomUUID().slice(0, 8)}`;
    const published = await call(url, token, 'POST', '/api/v1/articles', {
      title: `Archive story ${n}`, slug, byline: 'Archive', categories: ['Archive'], tags: [], photoCredits: [], body: 'From the archive.', publishedAt: new Date().toISOString(),
    });
    if (published.status !== 201) throw new Error(`publishing a story answered ${published.status} ${JSON.stringify(published.body)}`);
    stories.push({ id: published.body.id as string, url: `https://archive.example.com/2014/${slug}/` });
  }
  for (const story of stories) {
    for (let tries = 0; (await call(url, token, 'GET', `/api/v1/articles/${story.id}/comments?limit=1`)).status !== 200; tries += 1) {
      if (tries > 100) throw new Error(`the thread of ${story.id} did not open`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  const file = join(dir, 'disqus-export.xml');
  await writeExport(file, stories, comments);
  const mapping = join(dir, 'mapping.json');
  writeFileSync(mapping, JSON.stringify({ byUrl: Object.fromEntries(stories.map((story) => [story.url, story.id])) }));
  const report = join(dir, 'report.json');
  const started = Date.now();
  const child = spawn(process.execPath, [resolve(__dirname, '../../../scripts/ts-run.js'), resolve(__dirname, 'import.main.ts'), '--format', 'disqus', '--file', file, '--mapping', mapping, '--url', url, '--token', token, '--report', report], {
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let done = '';
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    done = (done + chunk.toString()).split('\n').slice(-5).join('\n');
  });
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`the import command exited ${code}`);
  const result = JSON.parse(readFileSync(report, 'utf8')) as { posts: { imported: number; skipped: Record<string, number> } };
  let counted = 0;
  for (const story of stories) counted += Number((await call(url, token, 'GET', `/api/v1/articles/${story.id}/comments?limit=1`)).body.commentCount);
  const rss = /peak RSS (\d+) MB/.exec(done)?.[1];
  const summary = {
    comments,
    stories: storyCount,
    fileMB: Number((statSync(file).size / 1e6).toFixed(1)),
    imported: result.posts.imported,
    skipped: result.posts.skipped,
    seconds: Number(seconds.toFixed(1)),
    commentsPerSecond: Math.round(result.posts.imported / seconds),
    importerPeakRssMB: rss ? Number(rss) : undefined,
    threadsCount: counted,
  };
  process.stdout.write(`MEASURE ${JSON.stringify(summary)}\n`);
  rmSync(dir, { recursive: true, force: true });
}

void main().catch((error) => {
  process.stderr.write(`measure failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
