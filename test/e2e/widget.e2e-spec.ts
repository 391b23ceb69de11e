/// <reference lib="dom" />
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { Browser, BrowserContext, checkA11y, launchBrowser, Page, screenshot } from '../support/browser';
import { withDatabase } from '../support/mongo';
import { system } from '../support/services';
import founding from '../../web/demo/founding-story.json';

/**
 * The reader widget in a real browser (Debian's Chromium), embedded by the demo host page on a
 * second origin (its own port; the gateway allows it through CORS_ORIGINS) and fed by the real
 * system: gateway, services, broker and database of this e2e run.
 */

const ROOT = path.join(__dirname, '..', '..');
const gateway = () => `http://127.0.0.1:${system().ports.gateway}`;
const demo = () => `http://127.0.0.1:${system().demoPort}`;
const moderator = () => tokenFor({ sub: 'mod-widget', name: 'Widget Moderator', roles: ['moderator'] });
const reader = (name: string) => tokenFor({ sub: `reader-${randomUUID().slice(0, 8)}`, name, roles: ['reader'] });

let browser: Browser;
let demoServer: ChildProcess;

async function publishOpenStory(): Promise<string> {
  // Pre-moderated, so every comment waits for the moderator (a new reader's would be approved by the rules here).
  const published = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput({ commentPolicy: { preModeration: true } }) });
  expect(published.status).toBe(201);
  const id = published.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('open'));
  return id;
}

/** A fresh browser profile per reader: nothing shared between them. */
async function readerPage(storyId: string, options: { token?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    locale: 'en-US',
    timezoneId: 'America/New_York',
    viewport: { width: options.width ?? 1000, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(`${demo()}/?story=${storyId}`);
  // Lazy: the widget mounts when scrolled near.
  await page.locator('#comments').scrollIntoViewIfNeeded();
  await page.locator('.count').filter({ hasText: /\(\d+\)/ }).waitFor();
  if (options.token) await page.evaluate((token) => (window as unknown as { CommentsWidget: { login(t: string): void } }).CommentsWidget.login(token), options.token);
  return { context, page };
}

/** The element focused, looking into shadow roots. */
const focusedTag = (page: Page) =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active ? `${active.tagName.toLowerCase()}${active.getAttribute('type') ? `[${active.getAttribute('type')}]` : ''}` : '';
  });

async function decide(commentId: string, decision: 'approve' | 'reject', reason: string): Promise<void> {
  // The rules hold a new reader's comment first; the moderator decides once it is in the queue.
  await eventually(
    async () => expect((await api('POST', `/api/v1/moderation/comments/${commentId}/decision`, { token: moderator(), body: { decision, reason } })).status).toBe(200),
    { timeoutMs: 30_000, intervalMs: 300 },
  );
}

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
  await browser?.close();
  demoServer?.kill('SIGTERM');
});

describe('the reader widget', () => {
  it('shows the founding page from the second origin: "(4) Archived Comments" in page order with author and time, "Commenting has expired", no form', async () => {
    const published = await api('POST', '/api/v1/articles', { token: editorToken(), body: { ...founding.story, slug: `${founding.slug}-${randomUUID().slice(0, 8)}` } });
    expect(published.status).toBe(201);
    const id = published.body.id as string;
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).body.state).toBe('archived'));
    const admin = tokenFor({ sub: 'newsroom-admin', name: 'CT News Junkie archive', roles: ['admin'] });
    expect((await api('POST', `/api/v1/articles/${id}/comments/import`, { token: admin, body: { comments: founding.comments } })).status).toBe(200);

    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${demo()}/?story=${id}`);
    expect(new URL(page.url()).origin).not.toBe(gateway());
    // The story header, through the public API, as on the seed (the page's script fills it in
    // after the load event: wait for it, or a busy machine reads "Loading the story…").
    await page.locator('h1').filter({ hasText: founding.story.title }).waitFor({ timeout: 30_000 });
    await expect(page.locator('h1').textContent()).resolves.toBe(founding.story.title);
    await expect(page.locator('#byline').textContent()).resolves.toBe('Christine Stuart');
    await expect(page.locator('#date').textContent()).resolves.toBe('Jul 21, 2015 5:30am');
    await expect(page.locator('.posted').textContent()).resolves.toBe(`Posted to: ${founding.story.categories.join(', ')}`);
    await expect(page.locator('.tags').textContent()).resolves.toBe(`Tags: ${founding.story.tags.join(', ')}`);
    await expect(page.locator('#credits').textContent()).resolves.toContain('Photo: Madeline Stocker');
    // Lazy: the app bundle is not fetched until the widget comes near.
    const fetched = () => page.evaluate(() => performance.getEntriesByType('resource').some((entry) => /\/embed\/app-[A-Z0-9]+\.js$/.test(entry.name)));
    await page.waitForTimeout(300);
    expect(await fetched()).toBe(false);
    await page.locator('#comments').scrollIntoViewIfNeeded();
    await page.locator('.count').filter({ hasText: '(4) Archived Comments' }).waitFor();
    expect(await fetched()).toBe(true);

    await expect(page.locator('.notice').textContent()).resolves.toBe('Commenting has expired');
    expect(await page.locator('.author').allTextContents()).toEqual(founding.comments.map((c) => c.authorName));
    expect(await page.locator('.comment time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime')))).toEqual(
      founding.comments.map((c) => new Date(c.postedAt).toISOString()),
    );
    expect(await page.locator('.comment time').first().textContent()).toBe('July 21, 2015 at 8:08 AM');
    expect(await page.locator('.body').first().textContent()).toBe(founding.comments[0]!.body);
    expect(await page.locator('textarea').count()).toBe(0);
    // The count script on the host page, for story lists.
    await page.locator('#count').filter({ hasText: '(4) Comments' }).waitFor();
    await checkA11y(page, '[data-story-id]');
    await screenshot(page, 'founding-page');
    await context.close();
  });

  it('lets a reader post with the keyboard only, shows it pending, and a second reader gets it live once a moderator approves', async () => {
    const story = await publishOpenStory();
    const other = await readerPage(story);
    await other.page.getByText('Sign in to join the conversation.').waitFor();
    const author = await readerPage(story, { token: reader('Ann Reader') });
    const { page } = author;
    await page.locator('textarea').waitFor();

    // Keyboard only: Tab to the field, type, Tab to the button, Enter.
    await page.locator('h1').click();
    for (let i = 0; i < 60 && (await focusedTag(page)) !== 'textarea'; i++) await page.keyboard.press('Tab');
    expect(await focusedTag(page)).toBe('textarea');
    await page.keyboard.type('When will Malloy bring in the National Guard?');
    await page.keyboard.press('Tab');
    expect(await focusedTag(page)).toBe('button[submit]');
    await page.keyboard.press('Enter');

    const own = page.locator('.comment.own');
    await own.getByText('Awaiting moderation: only you can see this comment for now.').waitFor();
    // Focus moved to the new comment, announced politely.
    expect(await focusedTag(page)).toBe('article');
    const commentId = (await own.getAttribute('data-comment-id'))!;
    expect(await other.page.getByText('When will Malloy').count()).toBe(0);
    await checkA11y(page, '[data-story-id]');

    await decide(commentId, 'approve', 'fine');
    // The author's pending comment flips to approved in place; the other reader is offered it.
    await page.locator('.comment.own').waitFor({ state: 'detached' });
    await page.locator(`[data-comment-id="${commentId}"]`).getByText('When will Malloy bring in the National Guard?').waitFor();
    await page.locator('.count').filter({ hasText: '(1) Comment' }).waitFor();
    const offer = other.page.getByRole('button', { name: 'View 1 new comment' });
    await offer.waitFor();
    expect(await other.page.getByText('When will Malloy').count()).toBe(0);
    await offer.click();
    await other.page.locator(`[data-comment-id="${commentId}"]`).getByText('When will Malloy bring in the National Guard?').waitFor();
    expect(await other.page.locator(`[data-comment-id="${commentId}"] .author`).textContent()).toBe('Ann Reader');

    // Markup in a comment is text, never markup, for everyone who reads it.
    const xss = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script> & "quotes"`;
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: reader('Mallory'), body: { body: xss } });
    expect(posted.status).toBe(202);
    await decide(posted.body.id, 'approve', 'test of escaping');
    await other.page.getByRole('button', { name: 'View 1 new comment' }).click();
    const shown = other.page.locator(`[data-comment-id="${posted.body.id}"] .body`);
    await shown.waitFor();
    expect(await shown.textContent()).toBe(xss);
    expect(await other.page.locator('[data-story-id] img').count()).toBe(0);
    expect(await other.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    await screenshot(page, 'open-thread');
    await other.context.close();
    await author.context.close();
  });

  it("shows a rejected comment's reason to its author only", async () => {
    const story = await publishOpenStory();
    const authorToken = reader('Bob Reader');
    const author = await readerPage(story, { token: authorToken });
    await author.page.locator('textarea').fill('I disagree with every word the mayor said');
    await author.page.getByRole('button', { name: 'Post comment' }).click();
    const own = author.page.locator('.comment.own');
    await own.waitFor().catch(async (error) => {
      throw new Error(`${error}\nwidget shows: ${await author.page.locator('[data-story-id]').evaluate((host) => host.shadowRoot!.textContent)}`);
    });
    const commentId = (await own.getAttribute('data-comment-id'))!;
    const bystander = await readerPage(story, { token: reader('Carol Reader') });

    await decide(commentId, 'reject', 'Personal attacks are not allowed here');
    await author.page
      .locator('.comment.own .fate', { hasText: 'Your comment was not published: Personal attacks are not allowed here' })
      .waitFor({ timeout: 20_000 })
      .catch(async (error) => {
        const seen = await api('GET', `/api/v1/comments/${commentId}`, { token: authorToken });
        throw new Error(`${error}\nwidget shows: ${await author.page.locator('[data-story-id]').evaluate((host) => host.shadowRoot!.textContent)}\nAPI: ${JSON.stringify(seen.body)}`);
      });
    // Another reader, signed in or reloading, never sees the comment or why it was refused.
    await bystander.page.reload();
    await bystander.page.locator('#comments').scrollIntoViewIfNeeded();
    await bystander.page.locator('.count').filter({ hasText: '(0) Comments' }).waitFor();
    const text = await bystander.page.locator('[data-story-id]').evaluate((host) => host.shadowRoot!.textContent);
    expect(text).not.toContain('Personal attacks');
    expect(text).not.toContain('every word the mayor');
    await author.context.close();
    await bystander.context.close();
  });

  it("tells a warned reader after their post (which goes through) until they acknowledge the warning", async () => {
    const story = await publishOpenStory();
    const sub = `reader-${randomUUID().slice(0, 8)}`;
    const warning = await api('POST', `/api/v1/moderation/users/${sub}/sanctions`, { token: moderator(), body: { kind: 'warn', reason: 'Please keep to the topic of the story' } });
    expect(warning.status).toBe(201);
    // The comments service knows of it once user.sanctioned reached it.
    await eventually(async () => {
      const known = await withDatabase('comments', (db) => db.collection<{ _id: string; sanctions: { sanctionId: string }[] }>('readers').findOne({ _id: sub }));
      expect(known?.sanctions.map((s) => s.sanctionId)).toContain(warning.body.id);
    });
    const { context, page } = await readerPage(story, { token: tokenFor({ sub, name: 'Dana Reader', roles: ['reader'] }) });
    await page.locator('textarea').fill('Back to the budget: where do the figures come from?');
    await page.getByRole('button', { name: 'Post comment' }).click();
    await page.locator('.comment.own').waitFor();
    const notice = page.locator('.warning');
    await notice.filter({ hasText: 'A moderator has warned you: Please keep to the topic of the story' }).waitFor();
    await checkA11y(page);
    await notice.getByRole('button', { name: 'I understand' }).click();
    await notice.waitFor({ state: 'detached' });
    const record = await api('GET', `/api/v1/moderation/users/${sub}`, { token: moderator() });
    expect(record.body.sanctions).toEqual([expect.objectContaining({ id: warning.body.id, status: 'acknowledged' })]);
    await context.close();
  });

  it('fits a 360 px phone without horizontal scroll, and passes axe there', async () => {
    const story = await publishOpenStory();
    const long = 'Averyveryverylongwordwithoutanyspacesthatwouldotherwisepushthepagesidewaysonaphone'.repeat(3);
    const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: reader('Dee Reader'), body: { body: long } });
    await decide(posted.body.id, 'approve', 'fine');
    await eventually(async () => expect((await api('GET', `/api/v1/articles/${story}/comments`)).body.commentCount).toBe(1));
    const phone = await readerPage(story, { token: reader('Eve Reader'), width: 360 });
    await phone.page.locator('textarea').waitFor();
    await phone.page.getByText(long).waitFor();
    const widths = await phone.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await checkA11y(phone.page, '[data-story-id]');
    await screenshot(phone.page, 'phone-360');
    await phone.context.close();
  });

  it('answers CORS for the configured origin only', async () => {
    const story = await publishOpenStory();
    const allowed = await api('GET', `/api/v1/articles/${story}/comments`, { headers: { origin: demo() } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(demo());
    const other = await api('GET', `/api/v1/articles/${story}/comments`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
