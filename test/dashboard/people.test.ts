/**
 * The People and Projects pages in real Chromium over a real proxy and PostgreSQL: add a member and
 * create their key from the page (shown once, then only its prefix), the key works through the proxy,
 * its use and cost show up, revoking it from the page refuses it at the proxy; a member's own page;
 * projects with their members and branches; no console errors, no horizontal scroll on a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findManagedDomain } from '../../src/credentials/index.js';
import { addMember, createKey } from '../../src/people/index.js';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { horizontalOverflow, logIn, openBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { send } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { waitUntil } from '../support/wait-until.js';

const KEY = 'cnd_people_page_key_0123456789abcdef';
const DOMAIN = 'team.example.com';
let pg: TestDatabase;
let h: Harness;
let dashboard: DashboardServer;
let browser: TestBrowser;
let anaKey = '';

function ask(key: string, headers: Record<string, string> = {}) {
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages',
    headers: { host: DOMAIN, 'x-api-key': key, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

beforeAll(async () => {
  pg = await createPostgresDatabase();
  h = await startHarness({ databaseUrl: pg.url });
  await h.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY, accountId: 'team' });
  const db = await h.database();
  await addMember(db, { email: 'ana@example.com', name: 'Ana', teams: ['platform'] });
  anaKey = (await createKey(db, { domain: DOMAIN, memberEmail: 'ana@example.com' }, (text) => findManagedDomain(h.credentialsDir, text))).key;
  dashboard = await startDashboardServer({ apiKey: KEY, database: () => h.database(), domains: (text) => findManagedDomain(h.credentialsDir, text) });
  browser = await openBrowser();
  for (const project of ['website', 'website', 'billing']) expect((await ask(anaKey, { 'x-nexus-project': project })).status).toBe(200);
  await h.flushUsage();
});
afterAll(async () => {
  await browser.close();
  await dashboard.close();
  await h.close();
  await h.recorder?.close();
  await pg.drop();
});

describe('people and projects pages', () => {
  it('adds a member and creates their key from the page: shown once, then working, counted, and revoked', async () => {
    const { page, problems } = await browser.open();
    await logIn(page, `${dashboard.url}/people`, KEY);
    await page.locator('[data-form="add-member"] input[name="email"]').fill('bo@example.com');
    await page.locator('[data-form="add-member"] input[name="teams"]').fill('web, platform');
    await page.locator('[data-form="add-member"] button').click();
    await page.locator('[data-table="members"] tr[data-row="bo@example.com"]').waitFor();
    expect(await page.locator('[data-table="members"] tr[data-row="bo@example.com"] td').nth(1).textContent()).toBe('platform, web');

    // A duplicate is refused with the reason, on the page.
    await page.locator('[data-form="add-member"] input[name="email"]').fill('BO@example.com');
    await page.locator('[data-form="add-member"] button').click();
    expect(await page.locator('[data-error]').textContent()).toContain('already exists');

    await page.goto(`${dashboard.url}/people`);
    await page.locator('[data-form="create-key"] select[name="member"]').selectOption('bo@example.com');
    await page.locator('[data-form="create-key"] input[name="domain"]').fill(DOMAIN);
    await page.locator('[data-form="create-key"] input[name="label"]').fill('laptop');
    await page.locator('[data-form="create-key"] button').click();
    const key = (await page.locator('[data-new-key]').textContent()) ?? '';
    expect(key).toMatch(/^nxk_[A-Za-z0-9_-]{40}$/);
    await screenshot(page, 'people-new-key');

    expect((await ask(key)).status).toBe(200);
    await h.flushUsage();
    await page.goto(`${dashboard.url}/people`);
    const html = await page.content();
    expect(html).not.toContain(key);
    expect(html).toContain(`${key.slice(0, 12)}…${key.slice(-4)}`);
    const boCost = await page.locator('[data-table="members"] tr[data-row="bo@example.com"] [data-field="cost"]').getAttribute('data-value');
    expect(Number(boCost)).toBeGreaterThan(0);
    await screenshot(page, 'people');

    const row = page.locator('[data-table="keys"] tr', { hasText: 'laptop' });
    await row.locator('button[data-revoke]').click();
    await page.locator('[data-table="keys"] tr[data-state="revoked"]', { hasText: 'laptop' }).waitFor();
    await waitUntil(async () => ((await ask(key)).status === 401 ? true : undefined), 'the proxy to refuse the revoked key', { timeoutMs: 5000 });
    // The refused duplicate answered 400 (the page with its reason), which the browser reports; nothing else.
    expect(problems.filter((problem) => !problem.includes('status of 400') || !problem.includes('/people/members'))).toEqual([]);
  });

  it("shows a member's own page: cost, projects, models, sessions and keys", async () => {
    const { page, problems } = await browser.open();
    await logIn(page, `${dashboard.url}/people`, KEY);
    await page.locator('[data-table="members"] tr[data-row="ana@example.com"] a').click();
    await page.locator('h1', { hasText: 'ana@example.com' }).waitFor();
    expect(await page.locator('[data-table="projects"] tr[data-row="website"] [data-field="requests"]').textContent()).toBe('2');
    expect(await page.locator('[data-table="projects"] tr[data-row="billing"] [data-field="requests"]').textContent()).toBe('1');
    expect(await page.locator('[data-table="models"] tr[data-row="claude-opus-5-5"]').count()).toBe(1);
    expect(Number(await page.locator('[data-total="cost"]').getAttribute('data-value'))).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('lists projects and shows one with its members and branches, also on a phone', async () => {
    const { page, problems } = await browser.open({ width: 390, height: 844 });
    await logIn(page, `${dashboard.url}/projects`, KEY);
    expect(await page.locator('[data-table="projects"] tr[data-row="website"] [data-field="requests"]').textContent()).toBe('2');
    await page.locator('[data-table="projects"] tr[data-row="website"] a').click();
    await page.locator('h1', { hasText: 'website' }).waitFor();
    expect(await page.locator('[data-table="members"] tr[data-row="ana@example.com"] [data-field="requests"]').textContent()).toBe('2');
    expect(await page.locator('[data-table="branches"] tr').count()).toBe(2);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'project-phone');
    expect(problems).toEqual([]);
  });

  it('refuses a form sent from another origin or without its token', async () => {
    const cookieLess = await send(dashboard.url, {
      method: 'POST',
      path: '/people/members',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'email=mallory%40evil.example',
    });
    // No session and no key: the login page, nothing added.
    expect(cookieLess.text).toContain('form class="login"');
    const { page } = await browser.open();
    await logIn(page, `${dashboard.url}/people`, KEY);
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = await send(dashboard.url, {
      method: 'POST',
      path: '/people/members',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: dashboard.url },
      body: 'email=mallory%40evil.example&csrf=wrong',
    });
    expect(forged.status).toBe(403);
    expect((await (await h.database()).query("SELECT 1 FROM members WHERE email = 'mallory@evil.example'")).length).toBe(0);
  });

  it('filters the requests page and its CSV export by member, team and project, with those columns', async () => {
    const { page, problems } = await browser.open();
    await logIn(page, `${dashboard.url}/requests?range=24h&member=ana%40example.com&project=website`, KEY);
    expect(await page.locator('output[data-count]').getAttribute('data-value')).toBe('2');
    await logIn(page, `${dashboard.url}/requests?range=24h&team=web`, KEY);
    expect(await page.locator('output[data-count]').getAttribute('data-value')).toBe('1');
    const csv = await send(dashboard.url, { path: '/export/requests.csv?range=24h&project=billing', headers: { 'x-api-key': KEY } });
    const [header, ...rows] = csv.text.trim().split('\r\n');
    expect(header?.split(',').slice(-3)).toEqual(['member', 'project', 'branch']);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.split(',').slice(-3)).toEqual(['ana@example.com', 'billing', '']);
    const bad = await send(dashboard.url, { path: `/api/dashboard/requests?range=24h&member=${'x'.repeat(300)}`, headers: { 'x-api-key': KEY } });
    expect(bad.status).toBe(400);
    expect(problems).toEqual([]);
  });

  it('filters conversations by member and stacks the overview by project', async () => {
    const conversations = await send(dashboard.url, { path: '/api/dashboard/conversations?range=24h&member=bo%40example.com', headers: { 'x-api-key': KEY } });
    expect(conversations.status).toBe(200);
    const listed = conversations.json<{ conversations: { conversationId: string }[] }>().conversations;
    const all = (await send(dashboard.url, { path: '/api/dashboard/conversations?range=24h', headers: { 'x-api-key': KEY } })).json<{ conversations: unknown[] }>().conversations;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(all.length);
    const overview = await send(dashboard.url, { path: '/api/dashboard/overview?range=24h&by=project', headers: { 'x-api-key': KEY } });
    expect(overview.status).toBe(200);
    const keys = overview.json<{ series: { key: string }[] }>().series.map((series) => series.key).sort();
    expect(keys).toEqual(expect.arrayContaining(['billing', 'website']));
  });
});
