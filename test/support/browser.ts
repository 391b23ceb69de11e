import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's Chromium (scripts/ensure-browser.sh installs it); nothing is downloaded by a test tool. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Chromium with a fresh profile (playwright gives every launch its own temporary
 * user-data-dir and removes it on close). The flags let it run as root on a closed network
 * (without the background-networking ones it keeps trying hosts it cannot reach).
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Runs axe-core in the page (Shadow DOM included) and fails on any serious or critical
 * violation, listing them; `context` narrows it to a selector (e.g. the widget's host).
 */
export async function checkA11y(page: Page, context?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (context) builder = builder.include(context);
  const { violations } = await builder.analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
    throw new Error(`axe found ${bad.length} serious or critical violation(s):\n${lines.join('\n')}`);
  }
}

/** Where the tests write the screenshots README shows. */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'docs', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export type { Browser, BrowserContext, Page };
