/**
 * The overview page on PostgreSQL, with usage sent through the real proxy to the fake Anthropic API:
 * totals against hand-computed figures, the numbers uPlot actually draws, a request appearing live
 * (SSE) without a reload, a half-hour time zone, the phone width, and no console errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJson, messageStreamEvents, type Usage } from '../fake-anthropic/index.js';
import { writeUsageBatch, type UsageRecord } from '../../src/storage/index.js';
import { horizontalOverflow, inPage, logIn, screenshot, type TestBrowser, type WatchedPage } from '../support/browser.js';
import type { DashboardServer } from '../support/dashboard-server.js';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack.js';
import { send } from '../support/http.js';
import type { Harness } from '../support/proxy-harness.js';
import { waitUntil } from '../support/wait-until.js';

const KEY = 'cnd_overview_test_key_0123456789';
const TEAM_CLIENT_KEY = 'cnp_overview_team_0123456789';
const CI_CLIENT_KEY = 'cnp_overview_ci_0123456789';
const OPUS = 'claude-opus-5-5';
const HAIKU = 'claude-haiku-4-5';

let stack: DashboardStack;
let h: Harness;
let dashboard: DashboardServer;
let browser: TestBrowser;

interface Sent {
  id: string;
  startedAt: Date;
  model: string;
  account: string;
  costUsd: number;
  tokens: number;
}

/** Every request as recorded (the proxy's ids and times), oldest first. */
async function recorded(): Promise<Sent[]> {
  await h.flushUsage();
  const rows = await (await h.database()).query<{ id: string; started_at: Date; model: string; account: string; cost_usd: string; tokens: string }>(
    `SELECT id, started_at, model, account, cost_usd::text AS cost_usd,
       (input_tokens + output_tokens + cache_write_tokens + cache_read_tokens)::text AS tokens
     FROM requests WHERE id LIKE 'req_nexus_%' AND started_at > now() - interval '1 day' ORDER BY started_at`,
  );
  return rows.map((row) => ({ id: row.id, startedAt: row.started_at, model: row.model, account: row.account, costUsd: Number(row.cost_usd), tokens: Number(row.tokens) }));
}

function ask(domain: 'team' | 'ci', body: object, session?: string) {
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages',
    headers: {
      host: `${domain}.example.com`,
      'x-api-key': domain === 'team' ? TEAM_CLIENT_KEY : CI_CLIENT_KEY,
      'content-type': 'application/json',
      ...(session === undefined ? {} : { 'x-claude-code-session-id': session }),
    },
    body: JSON.stringify(body),
  });
}

function streamed(model: string, usage: Partial<Usage>): void {
  h.fake.next({ kind: 'sse', events: messageStreamEvents({ model, usage }) });
}

beforeAll(async () => {
  stack = await startDashboardStack({ dashboard: KEY, team: TEAM_CLIENT_KEY, ci: CI_CLIENT_KEY });
  ({ h, dashboard, browser } = stack);

  // 1. Opus, streamed: 1000×4 + 2000×5 (5 m writes) + 10000×0.2 + 500×20 = 26000 µ$ = $0.026
  streamed(OPUS, { input_tokens: 1000, cache_creation_input_tokens: 2000, cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 }, cache_read_input_tokens: 10_000, output_tokens: 500 });
  expect((await ask('team', { model: OPUS, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'one' }] }, 'sess-big')).status).toBe(200);
  // 2. Haiku, JSON: 3000×1 + 5000×0.1 + 200×5 = 4500 µ$ = $0.0045
  const haikuUsage = { input_tokens: 3000, cache_creation_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, cache_read_input_tokens: 5000, output_tokens: 200 };
  h.fake.next({ kind: 'json', status: 200, body: messageJson({ model: HAIKU, usage: haikuUsage }) });
  expect((await ask('ci', { model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: 'two' }] }, 'sess-small')).status).toBe(200);
  // 3. An overloaded error: no tokens, no cost, one error.
  expect((await ask('team', { model: OPUS, max_tokens: 10, messages: [{ role: 'user', content: 'FAKE_OVERLOADED' }] }, 'sess-err')).status).toBe(529);
  await h.flushUsage();

  // The previous 24 hours: one $0.01 request, 30 hours ago (written directly: the proxy only records "now").
  await writeUsageBatch(await h.database(), [previousRecord()]);
});

afterAll(async () => {
  await stack.close();
});

function previousRecord(): UsageRecord {
  return {
    id: 'req_previous_range_1', upstreamRequestId: null, startedAt: new Date(Date.now() - 30 * 3_600_000).toISOString(), domain: 'team.example.com',
    account: 'team', clientKeyId: null, method: 'POST', path: '/v1/messages', model: OPUS, stream: false, status: 200, outcome: 'completed',
    errorType: null, inputTokens: 2500, outputTokens: 0, cacheWriteTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0,
    webSearchRequests: 0, serverToolUse: null, serviceTier: 'standard', inferenceGeo: null, costUsd: '0.010000000000', priceVersion: 'test',
    ttfbMs: 1, durationMs: 1, sessionId: null, agentId: null, parentAgentId: null, requestClass: null, userAgent: null, conversationId: null, rateLimit: null,
  };
}

async function openOverview(path = '/', size: { width?: number } = {}): Promise<WatchedPage> {
  const watched = await browser.open(size);
  await logIn(watched.page, `${dashboard.url}${path}`, KEY);
  await watched.page.locator('[data-overview][data-ready="true"]').waitFor();
  return watched;
}

async function stat(page: WatchedPage['page'], name: string): Promise<{ value: string; text: string; change: string }> {
  const output = page.locator(`[data-total="${name}"]`);
  return {
    value: (await output.getAttribute('data-value')) ?? '',
    text: (await output.textContent()) ?? '',
    change: (await page.locator(`[data-change="${name}"]`).textContent()) ?? '',
  };
}

/** What uPlot draws for a chart: its series labels and, un-stacked, each series' values per bucket. */
async function drawn(page: WatchedPage['page'], metric: string): Promise<{ xs: number[]; series: Record<string, number[]> }> {
  const chart = await inPage<{ labels: string[]; data: number[][] }>(
    page,
    `(() => { const u = window.nexusCharts[${JSON.stringify(metric)}].uplot; return { labels: u.series.slice(1).map((s) => s.label), data: u.data }; })()`,
  );
  const [xs = [], ...stacks] = chart.data;
  const series: Record<string, number[]> = {};
  chart.labels.forEach((label, i) => {
    const below = stacks[i + 1];
    series[label] = (stacks[i] ?? []).map((value, j) => value - (below?.[j] ?? 0));
  });
  return { xs, series };
}

/** Sum of `pick` per hour bucket start (Unix seconds) and key. */
function expectedPerHour(sent: Sent[], key: (s: Sent) => string, pick: (s: Sent) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const s of sent) {
    const hour = Math.floor(s.startedAt.getTime() / 3_600_000) * 3600;
    const id = `${String(hour)}|${key(s)}`;
    sums.set(id, (sums.get(id) ?? 0) + pick(s));
  }
  return sums;
}

function drawnPerHour(chart: { xs: number[]; series: Record<string, number[]> }): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [key, values] of Object.entries(chart.series)) {
    values.forEach((value, i) => {
      if (value !== 0) sums.set(`${String(chart.xs[i])}|${key}`, value);
    });
  }
  return sums;
}

describe('overview', () => {
  it('shows totals equal to the hand-computed figures, against the previous range', async () => {
    const { page, problems } = await openOverview();
    // $0.026 + $0.0045 + $0 ; previous $0.01 → +205.0%
    expect(await stat(page, 'costUsd')).toEqual({ value: '0.030500000000', text: '$0.0305', change: '+205.0% vs $0.0100' });
    expect(await stat(page, 'requests')).toEqual({ value: '3', text: '3', change: '+200.0% vs 1' });
    // 1000+500+2000+10000 + 3000+200+5000 = 21700 tokens; previous 2500
    expect(await stat(page, 'totalTokens')).toMatchObject({ value: '21700', text: '21.7K', change: '+768.0% vs 2.5K' });
    expect(await stat(page, 'errorRate')).toMatchObject({ text: '33.3%', change: '1 failed · before 0.0%' });
    // reads / (input + writes + reads) = 15000 / (4000 + 2000 + 15000)
    const ratio = await stat(page, 'cacheHitRatio');
    expect(Number(ratio.value)).toBeCloseTo(15_000 / 21_000, 12);
    expect(ratio.text).toBe('71.4%');
    // Opus 10000 reads × (4 − 0.2) + Haiku 5000 × (1 − 0.1) = 38000 + 4500 µ$
    expect(await stat(page, 'cacheSavedUsd')).toMatchObject({ value: '0.042500000000', text: '$0.0425' });

    await page.locator('[data-fragment][data-loaded="true"]').waitFor();
    const top = page.locator('[data-top-sessions] tbody tr');
    expect(await top.count()).toBe(3);
    expect(await top.nth(0).locator('td').first().textContent()).toBe('sess-big');
    expect(await top.nth(0).locator('[data-value]').getAttribute('data-value')).toBe('0.026000000000');
    expect(await top.nth(1).locator('td').first().textContent()).toBe('sess-small');
    expect(await page.locator('[data-latest] li').count()).toBe(4);
    await screenshot(page, 'overview');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws exactly the recorded cost and tokens per hour and model, and per account', async () => {
    const sent = await recorded();
    expect(sent.map((s) => s.model)).toEqual([OPUS, HAIKU, OPUS]);
    const { page, problems } = await openOverview();
    const cost = await drawn(page, 'costUsd');
    expect(Object.keys(cost.series)).toEqual([OPUS, HAIKU]);
    expect(cost.xs).toHaveLength(24);
    // The axis spans the whole range, so the current hour's bar is drawn inside it.
    const scale = await inPage<{ min: number; max: number }>(page, '(() => { const x = window.nexusCharts.costUsd.uplot.scales.x; return { min: x.min, max: x.max }; })()');
    expect(scale).toEqual({ min: cost.xs[0], max: (cost.xs[23] ?? 0) + 3600 });
    const costPerHour = drawnPerHour(cost);
    const expectedCost = expectedPerHour(sent.filter((s) => s.costUsd > 0), (s) => s.model, (s) => s.costUsd);
    expect([...costPerHour.keys()].sort()).toEqual([...expectedCost.keys()].sort());
    for (const [bucket, value] of expectedCost) expect(costPerHour.get(bucket)).toBeCloseTo(value, 9);
    expect([...expectedCost.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(0.0305, 12);

    const tokens = drawnPerHour(await drawn(page, 'tokens'));
    for (const [bucket, value] of expectedPerHour(sent.filter((s) => s.tokens > 0), (s) => s.model, (s) => s.tokens)) expect(tokens.get(bucket)).toBe(value);

    // Stacked by account instead: the selector submits the form.
    await page.locator('select[name="by"]').selectOption('account');
    await Promise.all([page.waitForURL(/by=account/), page.locator('.controls button[type="submit"]').click()]);
    await page.locator('[data-overview][data-ready="true"]').waitFor();
    const byAccount = await drawn(page, 'costUsd');
    expect(Object.keys(byAccount.series)).toEqual(['team', 'ci']);
    const perAccount = drawnPerHour(byAccount);
    for (const [bucket, value] of expectedPerHour(sent.filter((s) => s.costUsd > 0), (s) => s.account, (s) => s.costUsd)) expect(perAccount.get(bucket)).toBeCloseTo(value, 9);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('adds a request to the totals, the chart and the latest strip within a second, without reloading', async () => {
    const { page, problems } = await openOverview();
    await page.locator('[data-overview][data-live-connected="true"]').waitFor();
    await inPage(page, 'window.__notReloaded = true');
    const before = drawnPerHour(await drawn(page, 'costUsd'));

    // Default usage: 42×4 + 500×5 + 1000×8 + 20000×0.2 + 12×20 = 14908 µ$
    streamed(OPUS, {});
    expect((await ask('team', { model: OPUS, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'live' }] }, 'sess-big')).status).toBe(200);
    const answeredAt = Date.now();
    await page.locator('[data-total="requests"][data-value="4"]').waitFor({ timeout: 5000 });
    const elapsed = Date.now() - answeredAt;
    expect(elapsed).toBeLessThan(1000);

    expect(await stat(page, 'costUsd')).toMatchObject({ value: '0.045408000000', text: '$0.0454', change: '+354.1% vs $0.0100' });
    const newest = (await recorded()).at(-1);
    expect(await page.locator('[data-latest] li').first().getAttribute('data-id')).toBe(newest?.id);
    expect(await page.locator('[data-latest] li').first().locator('.strip-cost').textContent()).toBe('$0.0149');
    const after = drawnPerHour(await drawn(page, 'costUsd'));
    const bucket = `${String(Math.floor((newest?.startedAt.getTime() ?? 0) / 3_600_000) * 3600)}|${OPUS}`;
    expect((after.get(bucket) ?? 0) - (before.get(bucket) ?? 0)).toBeCloseTo(0.014908, 9);
    expect(await inPage<boolean>(page, 'window.__notReloaded === true')).toBe(true);
    expect(problems).toEqual([]);

    // The stream ends with the page, and so does the dashboard's listener on the recorder.
    expect(h.recorder?.events.listenerCount('written')).toBe(1);
    await page.close();
    await waitUntil(() => (h.recorder?.events.listenerCount('written') === 0 ? true : undefined), 'the live listener to be removed');
  });

  it('groups days in a half-hour zone (Asia/Kolkata) from the hourly roll-ups', async () => {
    const sent = await recorded();
    const { page, problems } = await openOverview('/?range=7d&bucket=day&tz=Asia%2FKolkata');
    const cost = await drawn(page, 'costUsd');
    // Each request counts in the local day of the UTC hour it started in.
    const day = (s: Sent): number => {
      const hour = Math.floor(s.startedAt.getTime() / 3_600_000) * 3_600_000;
      const local = new Date(hour + 5.5 * 3_600_000);
      return (Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 5.5 * 3_600_000) / 1000;
    };
    const expected = new Map<string, number>();
    for (const s of sent.filter((r) => r.costUsd > 0 && r.model === OPUS)) expected.set(String(day(s)), (expected.get(String(day(s))) ?? 0) + s.costUsd);
    for (const [start, value] of expected) {
      const index = cost.xs.indexOf(Number(start));
      expect(index).toBeGreaterThanOrEqual(0);
      expect(cost.series[OPUS]?.[index]).toBeCloseTo(value, 9);
    }
    expect(await page.locator('body').getAttribute('data-tz')).toBe('Asia/Kolkata');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    const { page, problems } = await openOverview('/', { width: 390 });
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await inPage<number>(page, "document.querySelector('#chart-cost canvas').getBoundingClientRect().right")).toBeLessThanOrEqual(390);
    await screenshot(page, 'overview-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('follows a dark colour scheme, charts included', async () => {
    const watched = await browser.open();
    await watched.page.emulateMedia({ colorScheme: 'dark' });
    await logIn(watched.page, `${dashboard.url}/`, KEY);
    await watched.page.locator('[data-overview][data-ready="true"]').waitFor();
    expect(await inPage<string>(watched.page, 'getComputedStyle(document.body).backgroundColor')).toBe('rgb(27, 27, 25)');
    // The axes take the theme's muted ink, read when the chart is drawn.
    expect(await inPage<string>(watched.page, 'window.nexusCharts.costUsd.uplot.axes[1].stroke()')).toBe('#a3a199');
    await screenshot(watched.page, 'overview-dark');
    expect(watched.problems).toEqual([]);
    await watched.page.close();
  });

  it('serves the same figures as JSON to an API key', async () => {
    const res = await send(dashboard.url, { path: '/api/dashboard/overview?range=24h&by=domain', headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    const body = res.json<{ totals: { costUsd: string; requests: number; errors: number; cacheSavedUsd: string }; previous: { costUsd: string }; series: { key: string }[] }>();
    expect(body.totals).toMatchObject({ requests: 4, errors: 1, costUsd: '0.045408000000' });
    expect(body.previous.costUsd).toBe('0.010000000000');
    expect(body.series.map((s) => s.key)).toEqual(['team.example.com', 'ci.example.com']);
  });
});
