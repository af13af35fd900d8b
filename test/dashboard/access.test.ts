/**
 * Who gets in, and what the dashboard never shows: the login form and its rate limit, the session
 * cookie's flags, logout's CSRF token and origin check, secure headers, static files, 404 / 400 / 500
 * pages without stack traces — over raw HTTP and in a real Chromium.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/index.js';
import { horizontalOverflow, inPage, logIn, openBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { send, type RawResponse } from '../support/http.js';

const KEY = 'cnd_access_test_key_0123456789abcdef';
let db: Database;
let dashboard: DashboardServer;
let browser: TestBrowser;

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/nonexistent' });
  dashboard = await startDashboardServer({ apiKey: KEY, database: () => Promise.resolve(db) });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser.close();
  await dashboard.close();
  await db.close();
});

function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(dashboard.url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: dashboard.url, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The `name=value` part of a Set-Cookie header. */
function sessionCookie(res: RawResponse): string {
  const header = [res.headers['set-cookie'] ?? []].flat().find((line) => line.startsWith('nexus_session='));
  if (header === undefined) throw new Error('no session cookie set');
  return header.split(';')[0] ?? '';
}

async function signIn(): Promise<string> {
  return sessionCookie(await postForm('/login', { key: KEY, next: '/' }));
}

describe('login over HTTP', () => {
  it('shows the login form in place of a page, with no data and no navigation', async () => {
    const res = await send(dashboard.url, { path: '/accounts?range=7d' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form class="login" method="post" action="/login">');
    expect(res.text).toContain('value="/accounts?range=7d"');
    expect(res.text).not.toContain('aria-label="Sections"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses a wrong key with the login page again, a 401, no cookie, and no echo of the key', async () => {
    const res = await postForm('/login', { key: 'cnd_wrong_guess_123', next: '/' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('That is not the dashboard key.');
    expect(res.text).not.toContain('cnd_wrong_guess_123');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('lets the right key in: an httpOnly, SameSite=Strict cookie, Secure only over https', async () => {
    const res = await postForm('/login', { key: KEY, next: '/accounts?range=7d' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/accounts?range=7d');
    const cookie = [res.headers['set-cookie'] ?? []].flat().join('\n');
    expect(cookie).toMatch(/^nexus_session=v1\.[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain(KEY);
    const overTls = await postForm('/login', { key: KEY }, { 'x-forwarded-proto': 'https' });
    expect([overTls.headers['set-cookie'] ?? []].flat().join('\n')).toMatch(/; Secure/);
    const page = await send(dashboard.url, { path: '/', headers: { cookie: sessionCookie(res) } });
    expect(page.text).toContain('aria-label="Sections"');
  });

  it('never redirects off the dashboard after login', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const res = await postForm('/login', { key: KEY, next });
      expect(res.headers.location).toBe('/');
    }
  });

  it('refuses a login form posted from another origin, or with no origin at all', async () => {
    expect((await postForm('/login', { key: KEY }, { origin: 'https://evil.example' })).status).toBe(403);
    const bare = await send(dashboard.url, { method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${KEY}` });
    expect(bare.status).toBe(403);
    expect(bare.headers['set-cookie']).toBeUndefined();
  });

  it('lets a session cookie read the API, and refuses a tampered one', async () => {
    const cookie = await signIn();
    expect((await send(dashboard.url, { path: '/api/usage', headers: { cookie } })).status).toBe(200);
    const tampered = `${cookie.slice(0, -2)}xx`;
    const refused = await send(dashboard.url, { path: '/api/usage', headers: { cookie: tampered } });
    expect(refused.status).toBe(401);
    expect(refused.json<{ error: { type: string } }>().error.type).toBe('authentication_error');
  });

  it('logs out only with the session CSRF token from our own origin, and the old cookie stops working', async () => {
    const cookie = await signIn();
    const page = await send(dashboard.url, { path: '/', headers: { cookie } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect(csrf).toMatch(/^[\w-]{43}$/);
    expect((await postForm('/logout', {}, { cookie })).status).toBe(403);
    expect((await postForm('/logout', { csrf: 'forged' }, { cookie })).status).toBe(403);
    expect((await postForm('/logout', { csrf }, { cookie, origin: 'https://evil.example' })).status).toBe(403);
    expect((await send(dashboard.url, { path: '/api/usage', headers: { cookie } })).status).toBe(200);
    const out = await postForm('/logout', { csrf }, { cookie });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect([out.headers['set-cookie'] ?? []].flat().join('\n')).toMatch(/nexus_session=; Max-Age=0/);
    expect((await send(dashboard.url, { path: '/api/usage', headers: { cookie } })).status).toBe(401);
  });

  it('answers 429 after 10 wrong keys from one address, even for the right key', async () => {
    const limited = await startDashboardServer({ apiKey: KEY, database: () => Promise.resolve(db) });
    try {
      const post = (key: string) =>
        send(limited.url, { method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: limited.url }, body: `key=${key}` });
      for (let i = 0; i < 10; i++) expect((await post(`wrong-${String(i)}`)).status).toBe(401);
      const blocked = await post(KEY);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(blocked.text).toContain('Too many wrong keys');
      expect(blocked.headers['set-cookie']).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

describe('headers, static files and error pages', () => {
  it('sends a strict CSP (own scripts only), no framing, no referrer, nosniff', async () => {
    const res = await send(dashboard.url, { path: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // No inline script anywhere in the page: every <script> has a src on our origin.
    expect(res.text.match(/<script[^>]*>/g)?.every((tag) => /src="\/assets\/[\w.]+\?v=[0-9a-f]{12}"/.test(tag))).toBe(true);
  });

  it('serves uPlot from our own node_modules with its type, a year of caching for a hashed URL, and ETags', async () => {
    const page = await send(dashboard.url, { path: '/', headers: { cookie: await signIn() } });
    const src = /src="(\/assets\/uplot\.js\?v=[0-9a-f]+)"/.exec(page.text)?.[1] ?? '';
    const res = await send(dashboard.url, { path: src });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const shipped = await readFile(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
    expect(res.body.equals(shipped)).toBe(true);
    const css = await send(dashboard.url, { path: '/assets/nexus.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('no-cache');
    const again = await send(dashboard.url, { path: '/assets/nexus.css', headers: { 'if-none-match': String(css.headers.etag) } });
    expect(again.status).toBe(304);
    expect((await send(dashboard.url, { path: '/assets/..%2Fpackage.json' })).status).toBe(404);
  });

  it('answers an unknown page with a 404 page, an unknown API path with JSON', async () => {
    const cookie = await signIn();
    const page = await send(dashboard.url, { path: '/no-such-page', headers: { cookie } });
    expect(page.status).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Page not found');
    const api = await send(dashboard.url, { path: '/api/no-such-thing', headers: { cookie } });
    expect(api.status).toBe(404);
    expect(api.json<{ error: { type: string } }>().error.type).toBe('not_found_error');
  });

  it('answers bad range parameters with a readable 400: a page for pages, JSON for the API', async () => {
    const cookie = await signIn();
    const page = await send(dashboard.url, { path: '/?range=fortnight', headers: { cookie } });
    expect(page.status).toBe(400);
    expect(page.text).toContain('range must be one of 24h, 7d, 30d or custom');
    const accounts = await send(dashboard.url, { path: '/accounts?from=2026-11-05&to=2026-11-01', headers: { cookie } });
    expect(accounts.status).toBe(400);
    expect(accounts.text).toContain('to (2026-11-01) must be on or after from (2026-11-05)');
    const api = await send(dashboard.url, { path: '/api/dashboard/overview?from=2026-01-01&to=2026-03-01&bucket=hour', headers: { 'x-api-key': KEY } });
    expect(api.status).toBe(400);
    expect(api.json<{ error: { message: string } }>().error.message).toBe('Bad query: bucket=hour covers at most 31 days; choose day or week');
  });

  it('shows a 500 page (or JSON) without a stack trace when the database is gone', async () => {
    const broken = await startDashboardServer({ apiKey: KEY, database: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432 password=hunter2')) });
    try {
      const cookie = sessionCookie(
        await send(broken.url, { method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: broken.url }, body: `key=${KEY}` }),
      );
      const page = await send(broken.url, { path: '/', headers: { cookie } });
      expect(page.status).toBe(500);
      expect(page.text).toContain('Something went wrong');
      const api = await send(broken.url, { path: '/api/dashboard/overview', headers: { 'x-api-key': KEY } });
      expect(api.status).toBe(500);
      for (const text of [page.text, api.text]) {
        expect(text).not.toMatch(/\n\s+at |ECONNREFUSED|hunter2/);
      }
    } finally {
      await broken.close();
    }
  });
});

describe('login in a browser', () => {
  it('refuses a wrong key, lets the right one in, keeps the cookie from scripts, and logs out', async () => {
    const { page, problems } = await browser.open();
    await page.goto(`${dashboard.url}/`);
    await screenshot(page, 'login');
    await page.locator('input[name="key"]').fill('not-the-key');
    await page.locator('form.login button[type="submit"]').click();
    await expectVisible(page.locator('[role="alert"]'), 'That is not the dashboard key.');
    expect(await page.locator('nav[aria-label="Sections"]').count()).toBe(0);

    await logIn(page, `${dashboard.url}/`, KEY);
    expect(await page.locator('h1').textContent()).toBe('Overview');
    const [cookie] = (await browser.context.cookies(dashboard.url)).filter((c) => c.name === 'nexus_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/' });
    expect(await inPage<string>(page, 'document.cookie')).not.toContain('nexus_session');

    // A logout posted without the form's token is refused, and the session stays.
    const forged = await inPage<number>(page, "fetch('/logout', { method: 'POST', body: new URLSearchParams({ csrf: 'nope' }) }).then((res) => res.status)");
    expect(forged).toBe(403);
    await page.goto(`${dashboard.url}/requests`);
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Requests');
    await screenshot(page, 'requests-empty');
    await page.goto(`${dashboard.url}/conversations`);
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Conversations');
    await page.goto(`${dashboard.url}/nowhere`);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await screenshot(page, 'not-found');

    await page.locator('form.logout button').click();
    await page.locator('form.login').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect((await browser.context.cookies(dashboard.url)).some((c) => c.name === 'nexus_session')).toBe(false);
    // Chromium logs every error status it was answered with: exactly the three this test asked for, nothing else.
    expect(problems.map((problem) => problem.replace(dashboard.url, ''))).toEqual([
      'console: Failed to load resource: the server responded with a status of 401 (Unauthorized) (/login)',
      'console: Failed to load resource: the server responded with a status of 403 (Forbidden) (/logout)',
      'console: Failed to load resource: the server responded with a status of 404 (Not Found) (/nowhere)',
    ]);
    await page.close();
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    const { page, problems } = await browser.open({ width: 390, height: 844 });
    await logIn(page, `${dashboard.url}/`, KEY);
    await page.locator('[data-overview][data-ready="true"]').waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'overview-empty-phone');
    expect(problems).toEqual([]);
    await page.close();
  });
});

async function expectVisible(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.waitFor();
  expect(await locator.textContent()).toContain(text);
}
