/**
 * The requests pages on PostgreSQL, with traffic sent through the real proxy to the fake Anthropic
 * API: filters narrow the table and its count, keyset pages move both ways without a duplicate or a
 * gap, a request's detail shows hand-computed tokens and cost and its bodies rendered (tool calls,
 * thinking, an image placeholder, a stream assembled) with nothing executable and no credential, new
 * requests arrive live, and the CSV and JSON exports hold exactly the rows shown.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICE_TABLE_VERSION } from '../../src/pricing/index.js';
import { messageJson, usageWith, type SseEvent } from '../fake-anthropic/index.js';
import { horizontalOverflow, inPage, logIn, screenshot, type TestBrowser, type WatchedPage } from '../support/browser.js';
import { csvRecords } from '../support/csv.js';
import type { DashboardServer } from '../support/dashboard-server.js';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack.js';
import { send } from '../support/http.js';
import type { Harness } from '../support/proxy-harness.js';

const KEY = 'cnd_requests_test_key_0123456789';
const TEAM_CLIENT_KEY = 'cnp_requests_team_0123456789';
const CI_CLIENT_KEY = 'cnp_requests_ci_0123456789';
const SECRET_COOKIE = 'nexus_cookie_do_not_show_42';
const OPUS = 'claude-opus-5-5';
const HAIKU = 'claude-haiku-4-5';
/** 1,536 bytes of "image". */
const IMAGE = Buffer.alloc(1536, 1).toString('base64');
const XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';

let stack: DashboardStack;
let h: Harness;
let dashboard: DashboardServer;
let browser: TestBrowser;
/** Ids of the requests sent in beforeAll, by name. */
const ids: Record<string, string> = {};

/** Sends one request with the domain's client key (as `x-api-key`, or as `Authorization: Bearer` with `bearer`). */
function ask(domain: 'team' | 'ci', body: object, headers: Record<string, string> = {}, bearer = false) {
  const key = domain === 'team' ? TEAM_CLIENT_KEY : CI_CLIENT_KEY;
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages',
    headers: { host: `${domain}.example.com`, ...(bearer ? { authorization: `Bearer ${key}` } : { 'x-api-key': key }), 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A stream answering with thinking, text and a tool call whose input arrives in two pieces. */
function toolStream(): SseEvent[] {
  const start = usageWith({ input_tokens: 1000, cache_creation_input_tokens: 2000, cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 0 }, cache_read_input_tokens: 10_000, output_tokens: 1 });
  const block = (index: number, content_block: object): SseEvent => ({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block } });
  const delta = (index: number, d: object): SseEvent => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: d } });
  const stop = (index: number): SseEvent => ({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  return [
    { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_01R1', type: 'message', role: 'assistant', model: OPUS, content: [], stop_reason: null, stop_sequence: null, usage: start } } },
    { event: 'ping', data: { type: 'ping' } },
    block(0, { type: 'thinking', thinking: '', signature: '' }),
    delta(0, { type: 'thinking_delta', thinking: 'Checking the ' }),
    delta(0, { type: 'thinking_delta', thinking: 'forecast.' }),
    delta(0, { type: 'signature_delta', signature: 'c2lnbmF0dXJl' }),
    stop(0),
    block(1, { type: 'text', text: '' }),
    delta(1, { type: 'text_delta', text: 'It is sunny ' }),
    delta(1, { type: 'text_delta', text: 'in Paris.' }),
    stop(1),
    block(2, { type: 'tool_use', id: 'toolu_01B', name: 'get_forecast', input: {} }),
    delta(2, { type: 'input_json_delta', partial_json: '{"city": "Paris", ' }),
    delta(2, { type: 'input_json_delta', partial_json: '"days": 3}' }),
    stop(2),
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 1000, cache_creation_input_tokens: 2000, cache_read_input_tokens: 10_000, output_tokens: 500 } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

const TOOL_CONVERSATION = {
  model: OPUS,
  max_tokens: 1024,
  stream: true,
  system: 'You are a weather assistant. Answer in one line.',
  tools: [{ name: 'get_weather', description: 'Current weather for a city.', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: `What is the weather in Paris? ${XSS}` }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMAGE } }] },
    { role: 'assistant', content: [{ type: 'thinking', thinking: 'The user wants the weather.', signature: 'c2ln' }, { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'Sunny, 21 °C' }] },
  ],
};

/** Ids as the pages order them (newest first, ties by id), straight from the database. */
async function idsInOrder(where: string, params: unknown[] = []): Promise<string[]> {
  const rows = await (await h.database()).query<{ id: string }>(`SELECT id FROM requests WHERE ${where} ORDER BY started_at DESC, id DESC`, params);
  return rows.map((row) => row.id);
}

async function newestId(): Promise<string> {
  await h.flushUsage();
  return (await idsInOrder('true'))[0] ?? '';
}

beforeAll(async () => {
  stack = await startDashboardStack({ dashboard: KEY, team: TEAM_CLIENT_KEY, ci: CI_CLIENT_KEY });
  ({ h, dashboard, browser } = stack);

  // 1. A streamed tool turn: 1000×4 + 2000×5 (5 m writes) + 10000×0.2 + 500×20 = 26000 µ$ = $0.026
  h.fake.next({ kind: 'sse', events: toolStream() });
  expect((await ask('team', TOOL_CONVERSATION, { 'x-claude-code-session-id': 'sess-main', cookie: `session=${SECRET_COOKIE}` })).status).toBe(200);
  ids.tool = await newestId();
  // 2. A subagent's JSON answer: 3000×1 + 5000×0.1 + 200×5 = 4500 µ$ = $0.0045
  h.fake.next({ kind: 'json', status: 200, body: messageJson({ model: HAIKU, usage: usageWith({ input_tokens: 3000, cache_read_input_tokens: 5000, output_tokens: 200 }) }) });
  const subagent = { 'x-claude-code-session-id': 'sess-main', 'x-claude-code-agent-id': 'agent-a' };
  expect((await ask('team', { model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: 'sub' }] }, subagent, true)).status).toBe(200);
  ids.subagent = await newestId();
  // 3. An overloaded error.
  expect((await ask('ci', { model: OPUS, max_tokens: 10, messages: [{ role: 'user', content: 'FAKE_OVERLOADED' }] })).status).toBe(529);
  ids.overloaded = await newestId();
  // 4–15. Twelve CI requests with the default usage: 42×1 + 500×1.25 + 1000×2 + 20000×0.1 + 12×5 = 4727 µ$ each.
  for (let i = 0; i < 12; i += 1) {
    expect((await ask('ci', { model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: `page ${String(i)}` }] })).status).toBe(200);
  }
  await h.flushUsage();
});

afterAll(async () => {
  await stack.close();
});

async function openPage(path: string, size: { width?: number; height?: number } = {}): Promise<WatchedPage> {
  const watched = await browser.open(size);
  await logIn(watched.page, `${dashboard.url}${path}`, KEY);
  return watched;
}

type Page = WatchedPage['page'];

const tableIds = (page: Page): Promise<string[]> => inPage<string[]>(page, "[...document.querySelectorAll('[data-requests] tbody tr[data-id]')].map((row) => row.dataset.id)");
const shownCount = async (page: Page): Promise<number> => Number(await page.locator('[data-count]').getAttribute('data-value'));

async function submit(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    const select = page.locator(`.controls select[name="${name}"]`);
    if ((await select.count()) > 0) await select.selectOption(value);
    else await page.locator(`.controls input[name="${name}"]`).fill(value);
  }
  await Promise.all([page.waitForURL(/\/requests\?/), page.locator('.controls button[type="submit"]').click()]);
}

describe('requests page', () => {
  it('lists every request, and each filter narrows the table and its count to what was sent', async () => {
    const { page, problems } = await openPage('/requests');
    expect(await shownCount(page)).toBe(15);
    expect(await tableIds(page)).toEqual(await idsInOrder('true'));
    await screenshot(page, 'requests');

    await submit(page, { account: 'ci' });
    expect(await shownCount(page)).toBe(13);
    expect(await tableIds(page)).toEqual(await idsInOrder("account = 'ci'"));
    expect(new Set(await inPage<string[]>(page, "[...document.querySelectorAll('[data-requests] td[data-field=\"account\"]')].map((cell) => cell.firstChild.textContent)"))).toEqual(new Set(['ci']));

    await submit(page, { status: 'errors' });
    expect(await shownCount(page)).toBe(1);
    expect(await tableIds(page)).toEqual([ids.overloaded]);
    expect(await page.locator('[data-requests] td[data-field="status"]').textContent()).toContain('529');

    await submit(page, { account: 'team', status: '', model: HAIKU });
    expect(await shownCount(page)).toBe(1);
    expect(await tableIds(page)).toEqual([ids.subagent]);

    await submit(page, { model: '', session: 'sess-main' });
    expect(new URL(page.url()).searchParams.get('session')).toBe('sess-main');
    expect(await shownCount(page)).toBe(2);
    expect(await tableIds(page)).toEqual([ids.subagent, ids.tool]);
    await screenshot(page, 'requests-filtered');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('moves through keyset pages older and newer without a duplicate or a gap', async () => {
    const expected = await idsInOrder("account = 'ci' AND model = $1", [HAIKU]);
    expect(expected).toHaveLength(12);
    const { page, problems } = await openPage(`/requests?account=ci&model=${HAIKU}&limit=5`);
    const pages: string[][] = [await tableIds(page)];
    expect(await page.locator('[data-page="newer"]').count()).toBe(0);
    while ((await page.locator('[data-page="older"]').count()) > 0) {
      await Promise.all([page.waitForURL(/before=/), page.locator('[data-page="older"]').click()]);
      pages.push(await tableIds(page));
      // Every page keeps the filters, and a count of all the rows they match.
      expect(await shownCount(page)).toBe(12);
    }
    expect(pages.map((ids) => ids.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(expected);
    await screenshot(page, 'requests-last-page');

    // Back up: the middle page again, then the first (its own URL, where live rows arrive).
    await Promise.all([page.waitForURL(/after=/), page.locator('[data-page="newer"]').click()]);
    expect(await tableIds(page)).toEqual(pages[1]);
    await page.locator('[data-page="newer"]').click();
    await page.waitForURL((url) => !url.searchParams.has('after') && !url.searchParams.has('before'));
    expect(await tableIds(page)).toEqual(pages[0]);
    expect(await page.locator('[data-page="newer"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows one request: tokens by kind, cost, timing, session, and its bodies rendered, escaped and without credentials', async () => {
    const { page, problems } = await openPage(`/requests/${ids.tool ?? ''}`);
    const tokens = await inPage<Record<string, string>>(page, "Object.fromEntries([...document.querySelectorAll('[data-tokens] tr')].map((row) => [row.dataset.kind, row.querySelector('td').dataset.value]))");
    expect(tokens).toEqual({ input: '1000', output: '500', 'cache-write-5m': '2000', 'cache-write-1h': '0', 'cache-read': '10000', total: '13500' });
    expect(await page.locator('dd[data-field="cost"]').getAttribute('data-value')).toBe('0.026000000000');
    expect(await page.locator('dd[data-field="cost"]').textContent()).toBe('$0.0260');
    expect(await page.locator('dd[data-field="price-version"]').textContent()).toBe(PRICE_TABLE_VERSION);
    expect(await page.locator('dd[data-field="ttfb"]').textContent()).toMatch(/^\d+ ms$/);
    expect(await page.locator('dd[data-field="duration"]').textContent()).toMatch(/^\d+ ms$/);
    expect(await page.locator('dd[data-field="status"]').textContent()).toBe('200 · completed');
    expect(await page.locator('dd[data-field="session"]').textContent()).toBe('sess-main');
    expect(await page.locator('dd[data-field="agent"]').textContent()).toBe('— (main thread)');

    // The request: system prompt, the turns in order, a tool call with its input, its result, thinking, the image as a placeholder.
    const request = page.locator('[data-rendered="request"]');
    expect(await request.locator('[data-system]').textContent()).toContain('You are a weather assistant.');
    expect(await inPage<string[]>(page, "[...document.querySelectorAll('[data-rendered=\"request\"] .message-turn')].map((turn) => turn.dataset.role)")).toEqual(['user', 'assistant', 'user']);
    expect(await request.locator('[data-block="tool_use"]').getAttribute('data-tool')).toBe('get_weather');
    expect(JSON.parse((await request.locator('[data-block="tool_use"] pre').textContent()) ?? '')).toEqual({ city: 'Paris' });
    expect(await request.locator('[data-block="tool_result"]').getAttribute('data-tool-use-id')).toBe('toolu_01A');
    expect(await request.locator('[data-block="tool_result"]').textContent()).toContain('Sunny, 21 °C');
    expect(await request.locator('[data-block="thinking"]').textContent()).toContain('The user wants the weather.');
    expect(await request.locator('[data-block="image"]').textContent()).toBe('[image: image/png, 1.5 KB, base64; not shown]');
    // The HTML in the prompt is text on the page, never markup.
    expect(await request.locator('.message-turn [data-block="text"]').first().textContent()).toContain(XSS);
    expect(await inPage<unknown>(page, 'window.__xss')).toBeUndefined();
    expect(await page.locator('main img').count()).toBe(0);

    // The response stream, assembled: thinking, text and the tool call whose JSON came in two pieces.
    const response = page.locator('[data-rendered="response"]');
    expect(await response.locator('[data-stream]').textContent()).toBe('Assembled from a stream of 17 events.');
    expect(await response.locator('[data-block="thinking"]').textContent()).toContain('Checking the forecast.');
    expect(await response.locator('[data-block="text"]').textContent()).toBe('It is sunny in Paris.');
    expect(await response.locator('[data-block="tool_use"]').getAttribute('data-tool')).toBe('get_forecast');
    expect(JSON.parse((await response.locator('[data-block="tool_use"] pre').textContent()) ?? '')).toEqual({ city: 'Paris', days: 3 });
    expect(await response.locator('.params').textContent()).toContain('stop_reason: tool_use');

    // Raw bodies and headers are there, one click away; no credential anywhere.
    await page.locator('#request-body details.raw summary').click();
    expect(await page.locator('#request-body details.raw pre').textContent()).toContain('"toolu_01A"');
    const requestHeaders = await page.locator('[data-headers="request"]').textContent();
    expect(requestHeaders).toContain('x-claude-code-session-id');
    expect(requestHeaders).not.toMatch(/x-api-key|cookie/i);
    await screenshot(page, 'request-detail');
    expect(problems).toEqual([]);
    await page.close();

    const html = await send(dashboard.url, { path: `/requests/${ids.tool ?? ''}`, headers: { 'x-api-key': KEY } });
    expect(html.text).not.toContain(TEAM_CLIENT_KEY);
    expect(html.text).not.toContain(SECRET_COOKIE);
    expect(html.text).not.toContain('sk-ant-api03');
    expect(html.text).not.toContain('<script>window.__xss');
    expect(html.text).toContain('&lt;script&gt;window.__xss = 1&lt;/script&gt;');
  });

  it('shows a subagent request with its agent, and offers the bodies as downloads only', async () => {
    const { page, problems } = await openPage(`/requests/${ids.subagent ?? ''}`);
    expect(await page.locator('dd[data-field="agent"]').textContent()).toBe('agent-a');
    expect(await page.locator('dd[data-field="cost"]').getAttribute('data-value')).toBe('0.004500000000');
    expect(await page.locator('[data-rendered="response"] [data-block="text"]').textContent()).toBe('Hello from the fake Anthropic API.');
    // Its client key came as Authorization: Bearer, which was never stored.
    expect(await page.locator('[data-headers="request"]').textContent()).not.toMatch(/authorization/i);
    expect(await page.content()).not.toContain(TEAM_CLIENT_KEY);
    expect(problems).toEqual([]);
    await page.close();

    const body = await send(dashboard.url, { path: `/requests/${ids.tool ?? ''}/request-body`, headers: { 'x-api-key': KEY } });
    expect(body.status).toBe(200);
    expect(body.headers['content-disposition']).toBe(`attachment; filename="${ids.tool ?? ''}-request.json"`);
    expect(JSON.parse(body.text)).toEqual(TOOL_CONVERSATION);
    const stream = await send(dashboard.url, { path: `/requests/${ids.tool ?? ''}/response-body`, headers: { 'x-api-key': KEY } });
    expect(stream.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(stream.text).toMatch(/^event: message_start\n/);
    expect((await send(dashboard.url, { path: `/requests/${ids.overloaded ?? ''}/request-body`, headers: { 'x-api-key': KEY } })).status).toBe(200);
  });

  it('downloads exactly the rows shown as CSV and as JSON', async () => {
    const { page, problems } = await openPage(`/requests?account=ci&model=${HAIKU}`);
    const shown = await tableIds(page);
    expect(shown).toHaveLength(12);
    const costs = await inPage<string[]>(page, "[...document.querySelectorAll('[data-requests] td[data-field=\"cost\"]')].map((cell) => cell.dataset.value)");

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-export="csv"]').click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^requests-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = csvRecords(await readFile(await csvDownload.path(), 'utf8'));
    expect(csv.map((row) => row.id)).toEqual(shown);
    expect(csv.map((row) => row.cost_usd)).toEqual(costs);
    expect(csv.every((row) => row.account === 'ci' && row.model === HAIKU && row.cost_usd === '0.004727000000' && row.input_tokens === '42' && row.cache_write_1h_tokens === '1000')).toBe(true);

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-export="json"]').click()]);
    const json = JSON.parse(await readFile(await jsonDownload.path(), 'utf8')) as { id: string; cost_usd: string; output_tokens: number }[];
    expect(json.map((row) => row.id)).toEqual(shown);
    expect(json[0]).toMatchObject({ cost_usd: '0.004727000000', output_tokens: 12 });
    expect(problems).toEqual([]);
    await page.close();

    // Unfiltered: every request of the range, as many as the page counts; no credential in any cell.
    const all = await send(dashboard.url, { path: '/export/requests.csv', headers: { 'x-api-key': KEY } });
    expect(all.headers['content-disposition']).toMatch(/^attachment; filename="requests-/);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csvRecords(all.text);
    expect(rows.map((row) => row.id)).toEqual(await idsInOrder('true'));
    expect(all.text).not.toMatch(new RegExp(`${TEAM_CLIENT_KEY}|${CI_CLIENT_KEY}|${SECRET_COOKIE}|sk-ant`));
  });

  it('answers bad parameters with a readable 400 (a page, or JSON under /api) and an unknown request with a 404 page', async () => {
    const key = { 'x-api-key': KEY };
    const status = await send(dashboard.url, { path: '/requests?status=sometimes', headers: key });
    expect(status.status).toBe(400);
    expect(status.headers['content-type']).toMatch(/^text\/html/);
    expect(status.text).toContain('status must be ok, errors or an HTTP status code');
    const cursor = await send(dashboard.url, { path: '/requests?before=yesterday', headers: key });
    expect(cursor.status).toBe(400);
    expect(cursor.text).toContain('before is not a page cursor');
    const api = await send(dashboard.url, { path: '/api/dashboard/requests?limit=0', headers: key });
    expect(api.status).toBe(400);
    expect(api.json<{ error: { type: string; message: string } }>().error).toEqual({ type: 'invalid_request_error', message: 'Bad query: limit must be at least 1' });
    const unknown = await send(dashboard.url, { path: '/requests/req_nexus_nope', headers: key });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('There is no request req_nexus_nope in the ledger.');
    expect((await send(dashboard.url, { path: '/export/passwords.csv', headers: key })).status).toBe(400);
    expect((await send(dashboard.url, { path: '/export/requests.csv?range=forever', headers: key })).status).toBe(400);
    // The same page as JSON.
    const listed = (await send(dashboard.url, { path: '/api/dashboard/requests?status=errors', headers: key })).json<{ count: number; requests: { id: string }[]; older: string | null }>();
    expect(listed).toMatchObject({ count: 1, requests: [{ id: ids.overloaded }], older: null });
  });

  it('fits a 390 px phone screen, list and detail, without sideways scrolling', async () => {
    const { page, problems } = await openPage('/requests', { width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'requests-phone');
    await page.goto(`${dashboard.url}/requests/${ids.tool ?? ''}`);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'request-detail-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('adds a new request at the top of the first page as it is written, without reloading, and only where it matches', async () => {
    const all = await openPage('/requests');
    const ci = await openPage('/requests?account=ci');
    for (const { page } of [all, ci]) {
      await page.locator('[data-requests][data-live-connected="true"]').waitFor();
      await inPage(page, 'window.__notReloaded = true');
    }
    const before = await shownCount(all.page);

    h.fake.next({ kind: 'json', status: 200, body: messageJson({ model: HAIKU }) });
    expect((await ask('team', { model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: 'live team' }] })).status).toBe(200);
    const team = await newestId();
    await all.page.locator(`[data-requests] tbody tr[data-id="${team}"]`).waitFor({ timeout: 5000 });
    expect((await tableIds(all.page))[0]).toBe(team);
    expect(await shownCount(all.page)).toBe(before + 1);

    expect((await ask('ci', { model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: 'live ci' }] })).status).toBe(200);
    const ciId = await newestId();
    await ci.page.locator(`[data-requests] tbody tr[data-id="${ciId}"]`).waitFor({ timeout: 5000 });
    await all.page.locator(`[data-requests] tbody tr[data-id="${ciId}"]`).waitFor({ timeout: 5000 });
    // The team request never reached the page filtered to ci; both pages hold each row once.
    expect(await tableIds(ci.page)).toEqual(await idsInOrder("account = 'ci'"));
    expect(await tableIds(all.page)).toEqual(await idsInOrder('true'));
    expect(await all.page.locator('[data-requests] tbody tr[data-id]').first().locator('td[data-field="cost"]').getAttribute('data-value')).toBe('0.004727000000');
    for (const { page, problems } of [all, ci]) {
      expect(await inPage<boolean>(page, 'window.__notReloaded === true')).toBe(true);
      expect(problems).toEqual([]);
    }
    await screenshot(all.page, 'requests-live');
    await all.page.close();
    await ci.page.close();
  });

  it('shows a request written after the page was rendered and before its live feed connected', async () => {
    const watched = await browser.open();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The page's stream waits until the request below is written: no event will announce it.
    await watched.page.route('**/api/live', async (route) => {
      await held;
      await route.continue();
    });
    await logIn(watched.page, `${dashboard.url}/requests`, KEY);
    await watched.page.locator('[data-requests] tbody tr[data-id]').first().waitFor();
    h.fake.next({ kind: 'json', status: 200, body: messageJson({ model: HAIKU }) });
    expect((await ask('team', { model: HAIKU, max_tokens: 10, messages: [{ role: 'user', content: 'in the gap' }] })).status).toBe(200);
    const written = await newestId();
    expect(await tableIds(watched.page)).not.toContain(written);
    release();
    await watched.page.locator(`[data-requests] tbody tr[data-id="${written}"]`).waitFor({ timeout: 5000 });
    expect((await tableIds(watched.page))[0]).toBe(written);
    expect(watched.problems).toEqual([]);
    await watched.page.close();
  });
});
