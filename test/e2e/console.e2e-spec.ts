import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { articleInput, eventually } from '@app/testing';
import { api, editorToken, tokenFor } from '../support/api';
import { Browser, checkA11y, launchBrowser, Page } from '../support/browser';
import { system } from '../support/services';

/**
 * The moderator console (docs/console.md) in Debian's Chromium against the real system: comments
 * posted through the public API, held by the moderation rules, decided in the console with the
 * keyboard and the mouse, and the outcome read back through the public API.
 */

const SHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const moderatorToken = (n = 1) => tokenFor({ sub: `console-mod-${n}`, name: `Moderator ${n}`, roles: ['moderator'] });
const reader = (name: string) => {
  const sub = `console-reader-${randomUUID().slice(0, 8)}`;
  return { sub, name, token: tokenFor({ sub, name, roles: ['reader'] }) };
};

let browser: Browser;
let page: Page;
let story: string;

async function publishStory(): Promise<string> {
  const response = await api('POST', '/api/v1/articles', { token: editorToken(), body: articleInput({ title: 'Lamont signs the budget after a long night' }) });
  expect(response.status).toBe(201);
  const id = response.body.id as string;
  await eventually(async () => expect((await api('GET', `/api/v1/articles/${id}/comments`)).status).toBe(200));
  return id;
}

/** Posts a text the rules hold (suspect word, docs/moderation.md) and waits until it is in the held queue. */
async function postHeld(body: string, author = reader('Ann Reader')): Promise<string> {
  const posted = await api('POST', `/api/v1/articles/${story}/comments`, { token: author.token, body: { body } });
  expect(posted.status).toBe(202);
  const id = posted.body.id as string;
  await eventually(async () => {
    const queue = await api('GET', `/api/v1/moderation/queue?status=held&articleId=${story}`, { token: moderatorToken() });
    expect(queue.body.items.map((i: { comment: { id: string } }) => i.comment.id)).toContain(id);
  });
  return id;
}

const publicStatus = async (id: string) => (await api('GET', `/api/v1/comments/${id}`)).body.status as string;
const threadIds = async () => ((await api('GET', `/api/v1/articles/${story}/comments`)).body.comments as { id: string }[]).map((c) => c.id);

/** Narrows the console's held queue to this test's story, through the console's own search form. */
async function showStory(id: string): Promise<void> {
  const held = page.getByRole('button', { name: /^Held/ });
  if ((await held.getAttribute('aria-current')) !== 'page') await held.click();
  await page.getByLabel('Story id').fill(story);
  await page.getByRole('button', { name: 'Search' }).click();
  await item(id).waitFor();
  await expect(page.getByRole('status')).toHaveTextLike(/Held: \d+/);
}

const item = (id: string) => page.locator(`.item[data-id="${id}"]`);

// A small matcher so the waits read as the user would see them.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toHaveTextLike(pattern: RegExp): Promise<R>;
    }
  }
}
expect.extend({
  async toHaveTextLike(locator: ReturnType<Page['locator']>, pattern: RegExp) {
    try {
      await eventually(async () => expect(await locator.textContent()).toMatch(pattern), { timeoutMs: 15_000 });
      return { pass: true, message: () => `text matched ${pattern}` };
    } catch (error) {
      return { pass: false, message: () => `text never matched ${pattern}: ${(error as Error).message}` };
    }
  },
});

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  story = await publishStory();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
});

describe('moderator console', () => {
  it('serves the console at /moderate with its hashed bundles and a strict CSP', async () => {
    const index = await fetch(`http://127.0.0.1:${system().ports.gateway}/moderate/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/moderate\/console-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`http://127.0.0.1:${system().ports.gateway}${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toContain('immutable');
  });

  it('refuses a reader token at sign-in and accepts a moderator token', async () => {
    await page.goto(`http://127.0.0.1:${system().ports.gateway}/moderate`);
    await page.getByLabel('Moderator token').fill(reader('Not A Moderator').token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveTextLike(/refused/);

    await page.getByLabel('Moderator token').fill(moderatorToken());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.who')).toHaveTextLike(/Signed in as Moderator 1/);
    await expect(page.locator('[data-count="held"]')).toHaveTextLike(/^\d+$/);
    // the token stays for this tab: a reload keeps the moderator signed in
    await page.reload();
    await expect(page.locator('.who')).toHaveTextLike(/Moderator 1/);
  });

  it('shows a held comment with its story, author and why; approves it with the keyboard; it appears in the thread', async () => {
    const id = await postHeld('Only a moron would sign this budget at 3 a.m.');
    await showStory(id);
    const row = item(id);
    await expect(row).toHaveTextLike(/Lamont signs the budget/);
    await expect(row).toHaveTextLike(/Ann Reader/);
    await expect(row).toHaveTextLike(/suspect_words.*moron/);
    // the held tab's count is the service's (all stories), refreshed while the console is open
    await eventually(async () => {
      const counts = (await api('GET', '/api/v1/moderation/queue/counts', { token: moderatorToken() })).body;
      expect(counts.held).toBeGreaterThanOrEqual(1);
      expect(await page.locator('[data-count="held"]').textContent()).toBe(String(counts.held));
    });
    await checkA11y(page);
    await page.screenshot({ path: join(SHOTS, 'console.png'), fullPage: true });

    await page.locator('body').focus();
    await page.keyboard.press('j');
    await expect(page.evaluate<string>("document.activeElement?.dataset?.id ?? ''")).resolves.toBe(id);
    await page.keyboard.press('a');
    await expect(page.getByRole('status')).toHaveTextLike(/1 comment approved/);
    await eventually(async () => expect(await threadIds()).toContain(id));
    expect(await publicStatus(id)).toBe('approved');
  });

  it('rejects with a reason from the keyboard (r, type, Enter)', async () => {
    const id = await postHeld('You are all liars in that building');
    await showStory(id);
    await item(id).focus();
    await page.keyboard.press('r');
    await expect(page.evaluate<string>('document.activeElement?.id')).resolves.toBe(`reason-${id}`);
    await page.keyboard.type('Name-calling: please argue the point');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status')).toHaveTextLike(/1 comment rejected/);
    const history = await eventually(async () => {
      const found = await api('GET', `/api/v1/moderation/comments/${id}/history`, { token: moderatorToken() });
      expect(found.body.comment.status).toBe('rejected');
      return found;
    });
    expect(history.body.verdict).toMatchObject({ decision: 'reject', rule: 'moderator', reason: 'Name-calling: please argue the point', moderator: { name: 'Moderator 1' } });
    expect(await threadIds()).not.toContain(id);
  });

  it("shows a comment's full history", async () => {
    const id = await postHeld('Stupid question maybe, but who pays?');
    await showStory(id);
    await item(id).getByRole('button', { name: 'History' }).click();
    await expect(item(id).locator('.history-lines')).toHaveTextLike(/submitted.*rule verdict.*suspect_words/s);
  });

  it('bulk-approves two selected comments (x to select)', async () => {
    const first = await postHeld('What a stupid deal for taxpayers');
    const second = await postHeld('The governor is no idiot, he waited them out');
    await showStory(second);
    // x selects the comment the focus is on
    await item(first).focus();
    await page.keyboard.press('x');
    await item(second).focus();
    await page.keyboard.press('x');
    const bulk = page.getByRole('region', { name: 'Bulk decision' });
    await expect(bulk).toHaveTextLike(/2 selected/);
    await bulk.getByLabel('Reason').fill('Robust, not abusive');
    await bulk.getByRole('button', { name: 'Approve 2' }).click();
    await expect(page.getByRole('status')).toHaveTextLike(/2 comments approved/);
    await eventually(async () => expect(await threadIds()).toEqual(expect.arrayContaining([first, second])));
  });

  it("bans a reader from the drawer; the reader's next post is refused with 403", async () => {
    const bob = reader('Bob Troll');
    const id = await postHeld('Liar liar, the whole lot of you', bob);
    await showStory(id);
    await item(id).getByRole('button', { name: 'Bob Troll' }).click();
    const drawer = page.getByRole('dialog');
    await expect(drawer.getByRole('heading', { level: 2 })).toHaveTextLike(/Bob Troll/);
    await expect(drawer).toHaveTextLike(/held: 1/);
    await checkA11y(page);
    await drawer.getByLabel('Kind').selectOption('ban');
    await drawer.getByLabel('Reason').fill('Abuse of other readers, repeatedly');
    await drawer.getByRole('button', { name: 'Apply sanction' }).click();
    await expect(drawer.locator('.sanctions')).toHaveTextLike(/Banned.*Abuse of other readers.*active/s);
    await page.screenshot({ path: join(SHOTS, 'console-drawer.png') });
    await page.keyboard.press('Escape');

    await eventually(async () => {
      const refused = await api('POST', `/api/v1/articles/${story}/comments`, { token: bob.token, body: { body: 'I am back' } });
      expect(refused.status).toBe(403);
    });
  });

  it("notes a reader from the drawer (shown beside their queue items), and reverses a colleague's approval from the approved queue", async () => {
    const cara = reader('Cara Note');
    const id = await postHeld('Only a moron would pave the town green', cara);
    await showStory(id);
    await item(id).getByRole('button', { name: 'Cara Note' }).click();
    const drawer = page.getByRole('dialog');
    await drawer.getByLabel('New note (moderators only)').fill('Keeps calling people morons; warn next time.');
    await drawer.getByRole('button', { name: 'Add note' }).click();
    await expect(drawer.locator('ul.notes')).toHaveTextLike(/Keeps calling people morons.*Moderator 1/s);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(item(id)).toHaveTextLike(/1 note: “Keeps calling people morons/);

    // A colleague approves it; from the approved queue it can only be reversed, with a reason.
    const approved = await api('POST', `/api/v1/moderation/comments/${id}/decision`, { token: moderatorToken(2), body: { decision: 'approve', reason: 'Robust, not abusive' } });
    expect(approved.status).toBe(200);
    await page.getByRole('button', { name: /^Approved/ }).click();
    await item(id).waitFor();
    expect(await item(id).getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    await item(id).getByLabel('Reason').fill('Insults a named resident');
    await item(id).getByRole('button', { name: 'Override: reject' }).click();
    await expect(page.getByRole('status')).toHaveTextLike(/Decision reversed: rejected/);
    const history = await eventually(async () => {
      const found = await api('GET', `/api/v1/moderation/comments/${id}/history`, { token: moderatorToken() });
      expect(found.body.comment.status).toBe('rejected');
      return found.body;
    });
    expect(history.verdict).toMatchObject({ decision: 'reject', reason: 'Insults a named resident', moderator: { name: 'Moderator 1' }, overrides: approved.body.verdict.seq });
    await eventually(async () => expect(await threadIds()).not.toContain(id));
  });

  it('marks an item another moderator decided meanwhile instead of replacing it', async () => {
    const id = await postHeld('Moron of the year award goes to the legislature');
    await showStory(id);
    await expect(item(id)).toHaveTextLike(/Moron of the year/);
    const other = await api('POST', `/api/v1/moderation/comments/${id}/decision`, { token: moderatorToken(2), body: { decision: 'approve', reason: 'Satire' } });
    expect(other.status).toBe(200);
    await item(id).focus();
    await page.keyboard.press('a');
    await expect(item(id)).toHaveTextLike(/Another moderator decided this comment meanwhile/);
    expect(await item(id).getAttribute('class')).toContain('decided-elsewhere');
    expect(await publicStatusEventually(id)).toBe('approved');
  });

  it('opens the shortcuts help with ?, passes axe, and has no horizontal scroll at 360 px', async () => {
    await page.locator('body').focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toHaveTextLike(/next comment.*previous comment.*approve/s);
    await checkA11y(page);
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 360, height: 800 });
    const long = await postHeld('A stupid comment with a verylongwordthatwouldoverflowanarrowphonescreenifnotwrappedproperlyatall');
    await showStory(long);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await checkA11y(page);
    await page.screenshot({ path: join(SHOTS, 'console-360.png'), fullPage: true });
  });
});

async function publicStatusEventually(id: string): Promise<string> {
  return eventually(async () => {
    const status = await publicStatus(id);
    expect(status).toBe('approved');
    return status;
  });
}
