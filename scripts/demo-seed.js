#!/usr/bin/env node
// Seeds the demo through the public API, as a newsroom would: the founding story (archived, its 4
// comments imported) and one story open for comments. Idempotent: the stories' ids are kept in
// .infra/demo-stories.json and reused while the API still knows them; the import skips comments
// it holds already (by externalId). Needs JWT_SECRET (or .infra/jwt-secret) and GATEWAY_URL.
const fs = require('node:fs');
const path = require('node:path');
const jwt = require('jsonwebtoken');

const root = path.join(__dirname, '..');
const gateway = (process.env.GATEWAY_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const stateFile = process.env.DEMO_STATE_FILE || path.join(root, '.infra', 'demo-stories.json');
const secretFile = path.join(root, '.infra', 'jwt-secret');
const secret = process.env.JWT_SECRET || (fs.existsSync(secretFile) && fs.readFileSync(secretFile, 'utf8').trim());
if (!secret) throw new Error('demo-seed needs JWT_SECRET or .infra/jwt-secret');
const sign = (sub, name, roles) =>
  jwt.sign({ sub, name, roles }, secret, {
    algorithm: 'HS256',
    expiresIn: 600,
    ...(process.env.JWT_ISSUER ? { issuer: process.env.JWT_ISSUER } : {}),
    ...(process.env.JWT_AUDIENCE ? { audience: process.env.JWT_AUDIENCE } : {}),
  });
const editor = sign('demo-editor', 'Christine Stuart', ['editor']);
const admin = sign('demo-admin', 'CT News Junkie archive', ['admin']);

async function api(method, url, token, body) {
  const response = await fetch(gateway + url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(check, what) {
  for (let i = 0; i < 120; i++) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`demo-seed: timed out waiting for ${what}`);
}

/** The story's id: the one remembered, or the one holding the slug, or a new one. */
async function ensureStory(known, slug, story) {
  if (known && (await api('GET', `/api/v1/articles/${known}`, editor)).status === 200) return known;
  const published = await api('POST', '/api/v1/articles', editor, { ...story, slug });
  if (published.status === 201) return published.body.id;
  if (published.body?.code !== 'slug_taken') throw new Error(`demo-seed: publishing ${slug} answered ${published.status} ${JSON.stringify(published.body)}`);
  for (let cursor; ; ) {
    const page = await api('GET', `/api/v1/articles?tag=${encodeURIComponent(story.tags[0])}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const found = page.body?.items?.find((item) => item.slug === slug);
    if (found) return found.id;
    cursor = page.body?.nextCursor;
    if (!cursor) throw new Error(`demo-seed: ${slug} is taken but not found`);
  }
}

async function main() {
  const seed = JSON.parse(fs.readFileSync(path.join(root, 'web', 'demo', 'founding-story.json'), 'utf8'));
  const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};

  const founding = await ensureStory(state.founding, seed.slug, seed.story);
  await waitFor(async () => (await api('GET', `/api/v1/articles/${founding}/comments`)).body?.state === 'archived', 'the founding thread to archive');
  const imported = await api('POST', `/api/v1/articles/${founding}/comments/import`, admin, { comments: seed.comments });
  if (imported.status !== 200) throw new Error(`demo-seed: import answered ${imported.status} ${JSON.stringify(imported.body)}`);

  const open = await ensureStory(state.open, 'demo-an-open-story-for-trying-the-widget', {
    title: 'Try the comment widget: this story is open for comments',
    byline: 'Demo Desk',
    publishedAt: new Date().toISOString(),
    categories: ['Demo'],
    tags: ['Demo'],
    photoCredits: [],
    body: 'Sign in as a reader on the demo page, post a comment, and approve it in the moderator console.',
  });
  await waitFor(async () => (await api('GET', `/api/v1/articles/${open}/comments`)).status === 200, 'the open thread');

  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify({ founding, open }, null, 2) + '\n');
  console.log(`demo stories: founding ${founding} (${imported.body.commentCount} archived comments), open ${open}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
