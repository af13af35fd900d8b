/**
 * A real Chromium (Debian's /usr/bin/chromium, never a downloaded one) for dashboard tests: one per
 * test file with a fresh profile, pages that collect console errors and page errors, screenshots
 * under test-artifacts/screenshots/, and the login form filled in like a person would.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught page errors seen so far, as text. */
  problems: string[];
}

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab that records its console errors and page errors. */
  open(options?: { width?: number; height?: number }): Promise<WatchedPage>;
  close(): Promise<void>;
}

export async function openBrowser(options: { timezoneId?: string } = {}): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'nexus-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
    timezoneId: options.timezoneId ?? 'UTC',
    locale: 'en-US',
    timeout: 20_000,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async open(size = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: size.width ?? 1280, height: size.height ?? 900 });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      return { page, problems };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Opens `url`; if the login form shows, types the key and submits (the tab may share a session
 * with earlier ones). Resolves once a signed-in page shows.
 */
export async function logIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  if ((await page.locator('form.login').count()) === 0) return;
  await page.locator('input[name="key"]').fill(key);
  await page.locator('form.login button[type="submit"]').click();
  // Signed in: the navigation appears (the login form shows none).
  await page.locator('nav[aria-label="Sections"]').waitFor();
}

/**
 * Evaluates a JavaScript expression in the page. Written as text: the tests' TypeScript has no DOM
 * types (the server code must not see them either).
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** Horizontal overflow of the page, in CSS pixels (0 when nothing sticks out). */
export function horizontalOverflow(page: Page): Promise<number> {
  return inPage<number>(page, 'document.documentElement.scrollWidth - document.documentElement.clientWidth');
}
