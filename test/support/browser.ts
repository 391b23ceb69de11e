import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with the flags that work as root on this closed network
 * (/work/shared/notes/infrastructure.md). Playwright gives each launch a fresh profile of its own
 * (a new temporary --user-data-dir; it refuses one in args).
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-browser.sh`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Runs axe-core in the page; fails on any serious or critical violation, naming each. */
export async function checkA11y(page: Page, context?: string): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (context) builder = builder.include(context);
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    const lines = bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    throw new Error(`axe found ${bad.length} serious/critical violation(s):\n${lines.join('\n')}`);
  }
}

export type { Browser, BrowserContext, Page };
