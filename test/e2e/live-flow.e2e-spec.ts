/// <reference lib="dom" />
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { Browser, BrowserContext, launchBrowser, Page, SCREENSHOTS } from '../support/browser';
import { system } from '../support/services';

/**
 * One story across three pages in one Chromium, against the real system (issue 14, item 5): a
 * reader posts on a pre-moderated story from the demo origin and sees it pending; the moderator
 * console (/moderate), fed by the real GET /api/v1/moderation/live, shows it arrive and its
 * count move; the moderator approves it with the keyboard; the author's page flips to approved
 * and a second reader's open page offers it and shows it, all without a reload.
 */

const ROOT = path.join(__dirname, '..', '..');
const gateway = () => `http://127.0.0.1:${system().ports.gateway}`;
const demo = () => `http://127.0.0.1:${system().demoPort}`;
const moderatorToken = tokenFor({ sub: 'live-flow-mod', name: 'Flow Moderator', roles: ['moderator'] });
const BODY = 'Will the new budget keep the bus fare at two dollars?';

let browser: Browser;
let demoServer: ChildProcess;
const contexts: BrowserContext[] = [];

async function publishPreModeratedStory(): Promise<string> {
  const published = await api('POST', '/api/v1/articles', {
    token: editorToken(),
    body: articleInput({ title: 'Transit board weighs a fare freeze', commentPolicy: { preModeration: true } }),
  });
  expect(published.status).toBe(201);
  const id = published.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('open'));
  return id;
}

async function newPage(width = 1000): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width, height: 800 } });
  contexts.push(context);
  return context.newPage();
}

/** The demo host page on the second origin, the widget mounted (it is lazy), signed in when a token is given. */
async function readerPage(story: string, token?: string): Promise<Page> {
  const page = await newPage();
  await page.goto(`${demo()}/?story=${story}`);
  await page.locator('#comments').scrollIntoViewIfNeeded();
  await page.locator('.count').filter({ hasText: '(0) Comments' }).waitFor();
  if (token) {
    await page.evaluate((t) => (window as unknown as { CommentsWidget: { login(t: string): void } }).CommentsWidget.login(t), token);
    await page.locator('textarea').waitFor();
  } else {
    await page.getByText('Sign in to join the conversation.').waitFor();
  }
  return page;
}

const heldCount = async (page: Page) => Number(await page.locator('[data-count="held"]').textContent());

beforeAll(async () => {
  browser = await launchBrowser();
  demoServer = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo-server.js')], {
    env: {
      PATH: process.env.PATH,
      DEMO_PORT: String(system().demoPort),
      GATEWAY_URL: gateway(),
      JWT_SECRET: system().jwtSecret,
      DEMO_STATE_FILE: path.join(os.tmpdir(), `demo-stories-${randomUUID()}.json`),
    },
    stdio: 'ignore',
  });
  await eventually(async () => expect((await fetch(`${demo()}/config.json`)).status).toBe(200));
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  demoServer?.kill('SIGTERM');
});

describe('a comment from post to live, through the console', () => {
  it('posted on the widget, arrives live in the console, approved with the keyboard, shown live to the author and a second reader', async () => {
    const story = await publishPreModeratedStory();
    const authorToken = tokenFor({ sub: `flow-author-${randomUUID().slice(0, 8)}`, name: 'Ann Rider', roles: ['reader'] });

    // The second reader (not signed in) and the author, both on the demo origin.
    const other = await readerPage(story);
    const author = await readerPage(story, authorToken);
    expect(new URL(author.url()).origin).not.toBe(gateway());

    // The moderator's console, signed in, on this story's held queue, with its live stream up.
    const desk = await newPage(1280);
    const liveStreams: string[] = [];
    desk.on('response', (r) => {
      if (r.url().endsWith('/api/v1/moderation/live')) liveStreams.push(`${r.status()} ${r.headers()['content-type']}`);
    });
    await desk.goto(`${gateway()}/moderate`);
    await desk.getByLabel('Moderator token').fill(moderatorToken);
    await desk.getByRole('button', { name: 'Sign in' }).click();
    await desk.locator('.who').filter({ hasText: 'Signed in as Flow Moderator' }).waitFor();
    await desk.locator('#live-state[data-state="live"]').waitFor();
    expect(liveStreams).toContain('200 text/event-stream; charset=utf-8');
    await desk.getByLabel('Story id').fill(story);
    await desk.getByRole('button', { name: 'Search' }).click();
    await desk.getByText('Nothing in this queue.').waitFor();
    await desk.locator('[data-count="held"]').filter({ hasText: /^\d+$/ }).waitFor();
    const heldBefore = await heldCount(desk);
    // A marker in each page: a reload would lose it.
    for (const page of [author, other, desk]) await page.evaluate(() => ((window as { __noReload?: boolean }).__noReload = true));

    // A comment held on another story moves the count but is not offered on this story's search.
    const elsewhere = await publishPreModeratedStory();
    const held = await api('POST', `/api/v1/articles/${elsewhere}/comments`, { token: tokenFor({ sub: 'flow-elsewhere', name: 'Elsewhere', roles: ['reader'] }), body: { body: 'On another story' } });
    expect(held.status).toBe(202);
    await eventually(async () => expect(await heldCount(desk)).toBe(heldBefore + 1), { timeoutMs: 30_000 });
    expect(await desk.locator('.entered').textContent()).toBe('');

    // The author posts and sees it pending; the other reader does not see it.
    await author.locator('textarea').fill(BODY);
    await author.getByRole('button', { name: 'Post comment' }).click();
    const own = author.locator('.comment.own');
    await own.getByText('Awaiting moderation: only you can see this comment for now.').waitFor();
    const commentId = (await own.getAttribute('data-comment-id'))!;
    expect(commentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await other.getByText(BODY).count()).toBe(0);

    // The console hears it enter the held queue (the moderator stream), offers it and moves the count.
    const offer = desk.getByRole('button', { name: 'Show 1 new in this queue' });
    await offer.waitFor({ timeout: 30_000 });
    await eventually(async () => expect(await heldCount(desk)).toBe(heldBefore + 2), { timeoutMs: 15_000 });
    expect(await desk.locator('.entered').textContent()).toBe('Show 1 new in this queue');
    expect(await desk.locator('#live-state').getAttribute('data-state')).toBe('live');
    await offer.click();
    const item = desk.locator(`.item[data-id="${commentId}"]`);
    await item.waitFor();
    await item.getByText(BODY).waitFor();
    await item.getByText('Ann Rider').waitFor();
    await item.locator('.why').filter({ hasText: 'story_premoderation' }).waitFor();

    const deskShot = await desk.screenshot({ type: 'png' });

    // Approve with the keyboard: j to the comment, a to approve.
    await desk.locator('body').focus();
    await desk.keyboard.press('j');
    expect(await desk.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id)).toBe(commentId);
    await desk.keyboard.press('a');
    await eventually(async () => expect(await desk.locator('#status').textContent()).toBe('1 comment approved.'), { timeoutMs: 15_000 });
    await item.waitFor({ state: 'detached' });
    await eventually(async () => expect(await heldCount(desk)).toBe(heldBefore + 1), { timeoutMs: 15_000 });

    // The author's pending comment flips to approved in place; the second reader is offered it, then sees it.
    await author.locator('.comment.own').waitFor({ state: 'detached', timeout: 30_000 });
    await author.locator(`[data-comment-id="${commentId}"]`).getByText(BODY).waitFor();
    await author.locator('.count').filter({ hasText: '(1) Comment' }).waitFor();
    const newOne = other.getByRole('button', { name: 'View 1 new comment' });
    await newOne.waitFor({ timeout: 30_000 });
    expect(await other.getByText(BODY).count()).toBe(0);
    await newOne.click();
    await other.locator(`[data-comment-id="${commentId}"]`).getByText(BODY).waitFor();
    expect(await other.locator(`[data-comment-id="${commentId}"] .author`).textContent()).toBe('Ann Rider');
    await other.locator('.count').filter({ hasText: '(1) Comment' }).waitFor();

    // No page was reloaded: each still holds the marker set before the flow began.
    for (const page of [author, other, desk]) expect(await page.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);
    expect((await api('GET', `/api/v1/comments/${commentId}`)).body.status).toBe('approved');

    await writeScreenshot(await author.screenshot({ type: 'png' }), deskShot, await other.screenshot({ type: 'png' }));
  });
});

/** One picture of the three pages side by side: the author, the console before it approved, the second reader. */
async function writeScreenshot(...shots: Buffer[]): Promise<void> {
  const sheet = await newPage(1200);
  const imgs = shots.map((b) => `<img src="data:image/png;base64,${b.toString('base64')}">`).join('');
  await sheet.setContent(
    `<style>body{margin:0;display:flex;gap:8px;background:#555;padding:8px}img{width:calc((100% - 16px)/3);height:auto;background:#fff}</style>${imgs}`,
  );
  await sheet.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
  await sheet.screenshot({ path: path.join(SCREENSHOTS, 'live-flow.png'), fullPage: true });
}
