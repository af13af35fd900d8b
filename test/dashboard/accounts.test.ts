/**
 * The accounts page on PGlite: the utilization a subscription account's responses carried in their
 * anthropic-ratelimit-unified-* headers (sent by the fake through the real proxy), reset times, the
 * current 5-hour block with its burn rate, the API-equivalent cost, the utilization history chart,
 * an API-key account without a plan, the phone width and no console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { horizontalOverflow, inPage, logIn, openBrowser, screenshot, type TestBrowser, type WatchedPage } from '../support/browser.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { send } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const KEY = 'cnd_accounts_test_key_0123456789';
const CLIENT_KEY = 'cnp_accounts_client_0123456789';
const ACCESS = 'sk-ant-oat01-accounts-test-access';
const REFRESH = 'sk-ant-ort01-accounts-test-refresh';

let h: Harness;
let dashboard: DashboardServer;
let browser: TestBrowser;
let startedAt: number;

beforeAll(async () => {
  startedAt = Date.now();
  h = await startHarness({ databaseUrl: 'memory://', fake: { unified: { status: 'allowed_warning', fiveHourUtilization: 0.42, sevenDayUtilization: 0.61 } } });
  await h.writeCredentials('me.example.com', {
    type: 'oauth',
    oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + 3_600_000 },
    client_api_key: CLIENT_KEY,
    accountId: 'me',
  });
  h.fake.addOAuth({ accessToken: ACCESS, refreshToken: REFRESH });
  await h.writeCredentials('team.example.com', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY, accountId: 'team' });
  dashboard = await startDashboardServer({ apiKey: KEY, database: () => h.database(), ...(h.recorder === undefined ? {} : { usageEvents: h.recorder.events }) });
  browser = await openBrowser();
  const ask = (host: string) =>
    send(h.url, {
      method: 'POST',
      path: '/v1/messages',
      // Subscription credentials serve Claude Code only: the proxy checks its user agent.
      headers: { host, 'x-api-key': CLIENT_KEY, 'content-type': 'application/json', 'user-agent': 'claude-cli/2.1.330 (external, cli)' },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
  // The fake's default usage costs $0.014908 on claude-opus-5-5 (see test/usage/ledger.test.ts).
  expect((await ask('me.example.com')).status).toBe(200);
  expect((await ask('me.example.com')).status).toBe(200);
  expect((await ask('team.example.com')).status).toBe(200);
  await h.flushUsage();
});

afterAll(async () => {
  await browser.close();
  await dashboard.close();
  await h.close();
  await h.recorder?.close();
});

async function openAccounts(size: { width?: number } = {}): Promise<WatchedPage> {
  const watched = await browser.open(size);
  await logIn(watched.page, `${dashboard.url}/accounts`, KEY);
  await watched.page.locator('[data-accounts][data-ready="true"]').waitFor();
  return watched;
}

describe('accounts page', () => {
  it('shows the utilization and resets the server reported, and the current block', async () => {
    const { page, problems } = await openAccounts();
    const me = page.locator('[data-account="me"]');
    expect(await me.locator('[data-meter="five-hour"]').getAttribute('data-value')).toBe('0.42');
    expect(await me.locator('[data-meter="five-hour"] .meter-value').textContent()).toBe('42.0%');
    expect(await me.locator('[data-meter="seven-day"] .meter-value').textContent()).toBe('61.0%');
    // The fake's 5-hour window resets 2.5 h after it started.
    const hoursLeft = (startedAt + 2.5 * 3_600_000 - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(2);
    expect(await me.locator('[data-meter="five-hour"] .meter-reset').textContent()).toMatch(/^resets \w{3} \d+, \d\d:\d\d \(in 2 h (2\d|30) min\)$/);
    expect(await me.textContent()).toContain('status allowed_warning');

    expect(await me.locator('[data-field="range-cost"]').getAttribute('data-value')).toBe('0.029816000000');
    expect(await me.locator('[data-field="block-cost"]').getAttribute('data-value')).toBe('0.029816000000');
    // A server-aligned block (not "estimated"), with a burn rate and a projected share of the limit.
    expect(await me.locator('[data-field="block-cost"]').textContent()).not.toContain('estimated');
    expect(await me.locator('[data-field="burn"]').textContent()).toMatch(/tokens\/min · \$\d+\.\d\d\/h$/);
    expect(await me.locator('[data-field="projection"]').textContent()).toMatch(/of the 5-hour limit$/);

    const team = page.locator('[data-account="team"]');
    expect(await team.textContent()).toContain('No plan utilization reported');
    expect(await team.locator('[data-field="range-cost"]').getAttribute('data-value')).toBe('0.014908000000');

    // The history chart draws the reported figures, in percent.
    const lines = await inPage<{ labels: string[]; data: (number | null)[][] }>(
      page,
      "(() => { const u = window.nexusCharts['utilization:me']; return { labels: u.series.slice(1).map((s) => s.label), data: u.data }; })()",
    );
    expect(lines.labels).toEqual(['5-hour %', '7-day %']);
    expect(lines.data[1]).toContain(42);
    expect(lines.data[2]).toContain(61);
    expect(await inPage<boolean>(page, "window.nexusCharts['utilization:team'] === undefined")).toBe(true);
    await screenshot(page, 'accounts');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    const { page, problems } = await openAccounts({ width: 390 });
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'accounts-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('serves the accounts and the history as JSON, and a 400 for a bad range', async () => {
    const accounts = await send(dashboard.url, { path: '/api/dashboard/accounts', headers: { 'x-api-key': KEY } });
    const body = accounts.json<{ accounts: { account: string; plan: { fiveHourUtilization: number } | null; block: { requests: number } | null }[] }>();
    expect(body.accounts.map((a) => [a.account, a.plan?.fiveHourUtilization ?? null, a.block?.requests ?? 0])).toEqual([
      ['me', 0.42, 2],
      ['team', null, 1],
    ]);
    const history = await send(dashboard.url, { path: '/api/dashboard/utilization?range=24h', headers: { 'x-api-key': KEY } });
    expect(history.json<{ points: { account: string; fiveHour: number }[] }>().points).toEqual([expect.objectContaining({ account: 'me', fiveHour: 0.42, sevenDay: 0.61 })]);
    const bad = await send(dashboard.url, { path: '/api/dashboard/utilization?range=1y', headers: { 'x-api-key': KEY } });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/range must be one of/);
  });
});
