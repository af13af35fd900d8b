/**
 * The conversations pages on PostgreSQL, with traffic sent through the real proxy: a Claude Code
 * session groups its requests, its subagents nest under the agent that started them (the
 * x-claude-code-agent-id / parent-agent-id headers) with their own hand-computed cost; an SDK
 * conversation is grouped by its opening messages; the list pages by keyset; and the exports of the
 * conversations and of the overview's tables hold exactly the rows shown.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJson, usageWith, type Usage } from '../fake-anthropic/index.js';
import { inPage, logIn, screenshot, type TestBrowser, type WatchedPage } from '../support/browser.js';
import { csvRecords } from '../support/csv.js';
import type { DashboardServer } from '../support/dashboard-server.js';
import { startDashboardStack, type DashboardStack } from '../support/dashboard-stack.js';
import { send } from '../support/http.js';
import type { Harness } from '../support/proxy-harness.js';

const KEY = 'cnd_conversations_test_key_0123456789';
const TEAM_CLIENT_KEY = 'cnp_conversations_team_0123456789';
const CI_CLIENT_KEY = 'cnp_conversations_ci_0123456789';
const OPUS = 'claude-opus-5-5';
const HAIKU = 'claude-haiku-4-5';
const SESSION = 'a1b2c3d4-0000-4000-8000-000000000001';
const OTHER_SESSION = 'a1b2c3d4-0000-4000-8000-000000000002';

let stack: DashboardStack;
let h: Harness;
let dashboard: DashboardServer;
let browser: TestBrowser;
/** Request ids by name, in the order sent. */
const ids: Record<string, string> = {};
/** The conversations of SESSION and OTHER_SESSION: each session id scoped to its domain and account. */
let conversation = '';
let otherConversation = '';

async function conversationOf(session: string): Promise<string> {
  const [row] = await (await h.database()).query<{ conversation_id: string }>('SELECT DISTINCT conversation_id FROM requests WHERE session_id = $1', [session]);
  expect(row?.conversation_id).toMatch(new RegExp(`^${session}~[0-9a-f]{12}$`));
  return row?.conversation_id ?? '';
}

async function newestId(): Promise<string> {
  await h.flushUsage();
  const [row] = await (await h.database()).query<{ id: string }>('SELECT id FROM requests ORDER BY started_at DESC, id DESC LIMIT 1');
  return row?.id ?? '';
}

/** Sends one request answered with `answerUsage`, from `agent` (and its parent) of the session, and names it. */
async function turn(name: string, options: { model: string; usage: Partial<Usage>; session?: string; agent?: string; parent?: string; domain?: 'team' | 'ci'; messages?: object[] }): Promise<void> {
  h.fake.next({ kind: 'json', status: 200, body: messageJson({ model: options.model, usage: usageWith(options.usage) }) });
  const domain = options.domain ?? 'team';
  const res = await send(h.url, {
    method: 'POST',
    path: '/v1/messages',
    headers: {
      host: `${domain}.example.com`,
      'x-api-key': domain === 'team' ? TEAM_CLIENT_KEY : CI_CLIENT_KEY,
      'content-type': 'application/json',
      ...(options.session === undefined ? {} : { 'x-claude-code-session-id': options.session }),
      ...(options.agent === undefined ? {} : { 'x-claude-code-agent-id': options.agent }),
      ...(options.parent === undefined ? {} : { 'x-claude-code-parent-agent-id': options.parent }),
    },
    body: JSON.stringify({ model: options.model, max_tokens: 10, system: 'Be brief.', messages: options.messages ?? [{ role: 'user', content: name }] }),
  });
  expect(res.status).toBe(200);
  ids[name] = await newestId();
}

beforeAll(async () => {
  stack = await startDashboardStack({ dashboard: KEY, team: TEAM_CLIENT_KEY, ci: CI_CLIENT_KEY });
  ({ h, dashboard, browser } = stack);

  // A Claude Code session: the main thread, subagent A (started by it) and subagent B (started by A).
  await turn('main1', { model: OPUS, usage: { input_tokens: 1000, output_tokens: 100 }, session: SESSION }); // 4000 + 2000 = 6000 µ$
  await turn('a1', { model: HAIKU, usage: { input_tokens: 2000, output_tokens: 100 }, session: SESSION, agent: 'agent-a' }); // 2000 + 500 = 2500 µ$
  await turn('b1', { model: HAIKU, usage: { input_tokens: 400, output_tokens: 20 }, session: SESSION, agent: 'agent-b', parent: 'agent-a' }); // 400 + 100 = 500 µ$
  await turn('a2', { model: HAIKU, usage: { input_tokens: 1000, output_tokens: 40 }, session: SESSION, agent: 'agent-a' }); // 1000 + 200 = 1200 µ$
  await turn('main2', { model: OPUS, usage: { input_tokens: 500, cache_read_input_tokens: 4000, output_tokens: 50 }, session: SESSION }); // 2000 + 800 + 1000 = 3800 µ$
  // An SDK conversation (no session id): two turns opening with the same system prompt and first message.
  const opening = { role: 'user', content: 'Summarise the build log.' };
  await turn('sdk1', { model: HAIKU, usage: { input_tokens: 100, output_tokens: 10 }, domain: 'ci', messages: [opening] }); // 100 + 50 = 150 µ$
  await turn('sdk2', { model: HAIKU, usage: { input_tokens: 300, output_tokens: 30 }, domain: 'ci', messages: [opening, { role: 'assistant', content: 'OK.' }, { role: 'user', content: 'More.' }] }); // 300 + 150 = 450 µ$
  // Another session, last.
  await turn('other', { model: OPUS, usage: { input_tokens: 250 }, session: OTHER_SESSION }); // 1000 µ$
  conversation = await conversationOf(SESSION);
  otherConversation = await conversationOf(OTHER_SESSION);
});

afterAll(async () => {
  await stack.close();
});

async function openPage(path: string): Promise<WatchedPage> {
  const watched = await browser.open();
  await logIn(watched.page, `${dashboard.url}${path}`, KEY);
  return watched;
}

type Page = WatchedPage['page'];

const listed = (page: Page): Promise<{ id: string; cost: string; requests: string; kind: string }[]> =>
  inPage(
    page,
    `[...document.querySelectorAll('[data-conversations] tbody tr')].map((row) => ({
      id: row.dataset.conversation, cost: row.querySelector('[data-field="cost"]').dataset.value,
      requests: row.querySelector('[data-field="requests"]').textContent, kind: row.cells[1].textContent }))`,
  );

/** The requests listed directly in an agent's section (not its subagents'). */
const agentRequests = (page: Page, agent: string): Promise<string[]> =>
  inPage(page, `[...document.querySelectorAll('[data-agent="${agent}"] > .table-scroll tbody tr')].map((row) => row.dataset.id)`);

async function sdkConversation(): Promise<string> {
  const [row] = await (await h.database()).query<{ conversation_id: string }>('SELECT conversation_id FROM requests WHERE id = $1', [ids.sdk1]);
  return row?.conversation_id ?? '';
}

describe('conversations', () => {
  it('lists sessions and SDK conversations, latest first, with their whole cost', async () => {
    const { page, problems } = await openPage('/conversations');
    const sdk = await sdkConversation();
    expect(sdk).toMatch(/^conv_[0-9a-f]{20}$/);
    expect(await listed(page)).toEqual([
      { id: otherConversation, cost: '0.001000000000', requests: '1', kind: 'Claude Code session' },
      { id: sdk, cost: '0.000600000000', requests: '2', kind: 'SDK conversation' },
      // 6000 + 2500 + 500 + 1200 + 3800 µ$
      { id: conversation, cost: '0.014000000000', requests: '5', kind: 'Claude Code session' },
    ]);
    await screenshot(page, 'conversations');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('groups a session\'s requests in order and nests each subagent under the agent that started it', async () => {
    const { page, problems } = await openPage('/conversations');
    await Promise.all([page.waitForURL(`**/conversations/${conversation}`), page.locator(`[data-conversation="${conversation}"] a`).click()]);
    expect(await page.locator('[data-total="costUsd"]').getAttribute('data-value')).toBe('0.014000000000');
    // 1000+100 + 2000+100 + 400+20 + 1000+40 + 500+4000+50 tokens
    expect(await page.locator('[data-total="totalTokens"]').getAttribute('data-value')).toBe('9210');
    expect(await page.locator('[data-total="requests"]').getAttribute('data-value')).toBe('5');
    expect(await page.locator('[data-total="subagents"]').getAttribute('data-value')).toBe('2');

    expect(await agentRequests(page, 'main')).toEqual([ids.main1, ids.main2]);
    expect(await agentRequests(page, 'agent-a')).toEqual([ids.a1, ids.a2]);
    expect(await agentRequests(page, 'agent-b')).toEqual([ids.b1]);
    // B inside A inside the main thread.
    expect(await page.locator('[data-agent="main"] > .agent-children > [data-agent="agent-a"] > .agent-children > [data-agent="agent-b"]').count()).toBe(1);
    const figures = async (agent: string): Promise<{ cost: string | null; tokens: string | null; requests: string | null }> => {
      const head = page.locator(`[data-agent="${agent}"] > .agent-head [data-agent-figures]`);
      return {
        cost: await head.locator('[data-field="cost"]').getAttribute('data-value'),
        tokens: await head.locator('[data-field="tokens"]').getAttribute('data-value'),
        requests: await head.locator('[data-field="requests"]').textContent(),
      };
    };
    expect(await figures('main')).toEqual({ cost: '0.009800000000', tokens: '5650', requests: '2 requests' });
    expect(await figures('agent-a')).toEqual({ cost: '0.003700000000', tokens: '3140', requests: '2 requests' });
    expect(await figures('agent-b')).toEqual({ cost: '0.000500000000', tokens: '420', requests: '1 request' });
    const byModel = await inPage<[string, string][]>(page, "[...document.querySelectorAll('[data-by-model] tbody tr')].map((row) => [row.dataset.model, row.querySelector('[data-value]').dataset.value])");
    expect(byModel).toEqual([
      [OPUS, '0.009800000000'],
      [HAIKU, '0.004200000000'],
    ]);
    await screenshot(page, 'conversation-detail');

    // Each request links to its detail.
    await Promise.all([page.waitForURL(`**/requests/${ids.b1 ?? ''}`), page.locator(`[data-agent="agent-b"] tr[data-id="${ids.b1 ?? ''}"] a`).first().click()]);
    expect(await page.locator('dd[data-field="parent-agent"]').textContent()).toBe('agent-a');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows an SDK conversation grouped by its opening messages', async () => {
    const sdk = await sdkConversation();
    const { page, problems } = await openPage(`/conversations/${sdk}`);
    expect(await page.locator('h1').textContent()).toBe(`SDK conversation ${sdk}`);
    expect(await agentRequests(page, 'main')).toEqual([ids.sdk1, ids.sdk2]);
    expect(await page.locator('[data-total="subagents"]').getAttribute('data-value')).toBe('0');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pages the list by keyset, each conversation once', async () => {
    const { page, problems } = await openPage('/conversations?limit=1');
    const seen: string[] = [];
    for (;;) {
      seen.push(...(await listed(page)).map((row) => row.id));
      if ((await page.locator('[data-page="older"]').count()) === 0) break;
      await Promise.all([page.waitForURL(/before=/), page.locator('[data-page="older"]').click()]);
    }
    expect(seen).toEqual([otherConversation, await sdkConversation(), conversation]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('downloads the conversations and one conversation\'s requests as the pages show them', async () => {
    const { page, problems } = await openPage('/conversations');
    const rows = await listed(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-export="csv"]').click()]);
    const csv = csvRecords(await readFile(await download.path(), 'utf8'));
    expect(csv.map((row) => [row.conversation_id, row.cost_usd, row.requests])).toEqual(rows.map((row) => [row.id, row.cost, row.requests]));
    expect(csv.find((row) => row.conversation_id === conversation)).toMatchObject({ session_id: SESSION, models: `${HAIKU} ${OPUS}`, total_tokens: '9210' });

    await page.goto(`${dashboard.url}/conversations/${conversation}`);
    const [json] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-export="json"]').click()]);
    const requests = JSON.parse(await readFile(await json.path(), 'utf8')) as { id: string; agent_id: string | null; parent_agent_id: string | null; cost_usd: string }[];
    expect(requests.map((row) => row.id)).toEqual([ids.main1, ids.a1, ids.b1, ids.a2, ids.main2]);
    expect(requests[2]).toMatchObject({ agent_id: 'agent-b', parent_agent_id: 'agent-a', cost_usd: '0.000500000000' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('exports the overview\'s tables (top sessions, latest requests) as shown, and ranks sessions from the roll-up', async () => {
    const watched = await openPage('/');
    const { page } = watched;
    await page.locator('[data-fragment][data-loaded="true"]').waitFor();
    const top = await inPage<[string, string][]>(page, "[...document.querySelectorAll('[data-top-sessions] tbody tr')].map((row) => [row.dataset.conversation, row.querySelector('[data-value]').dataset.value])");
    expect(top).toEqual([
      [conversation, '0.014000000000'],
      [otherConversation, '0.001000000000'],
      [await sdkConversation(), '0.000600000000'],
    ]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#latest a[data-export="csv"]').click()]);
    const latest = csvRecords(await readFile(await download.path(), 'utf8'));
    const strip = await inPage<string[]>(page, "[...document.querySelectorAll('[data-latest] li')].map((item) => item.dataset.id)");
    expect(latest.map((row) => row.id)).toEqual(strip);
    expect(strip).toHaveLength(8);
    await screenshot(page, 'overview-with-sessions');
    expect(watched.problems).toEqual([]);
    await page.close();

    const json = await send(dashboard.url, { path: '/export/top-sessions.json?range=24h', headers: { 'x-api-key': KEY } });
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename="top-sessions-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(json.json<{ conversation_id: string; cost_usd: string }[]>().map((row) => [row.conversation_id, row.cost_usd])).toEqual(top);
    const api = await send(dashboard.url, { path: '/api/dashboard/conversations?limit=2', headers: { 'x-api-key': KEY } });
    expect(api.json<{ conversations: { conversationId: string }[]; older: string | null }>()).toMatchObject({ conversations: [{ conversationId: otherConversation }, {}], older: expect.stringMatching(/^\d+\.conv_/) as unknown });
  });

  it('answers an unknown conversation with a 404 page, and an old ?id= link with a redirect', async () => {
    const missing = await send(dashboard.url, { path: '/conversations/sess-nobody', headers: { 'x-api-key': KEY } });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('There is no conversation sess-nobody in the ledger.');
    const legacy = await send(dashboard.url, { path: `/conversations?id=${encodeURIComponent(conversation)}`, headers: { 'x-api-key': KEY } });
    expect(legacy.status).toBe(301);
    expect(legacy.headers.location).toBe(`/conversations/${encodeURIComponent(conversation)}`);
    const bad = await send(dashboard.url, { path: '/conversations?before=soon', headers: { 'x-api-key': KEY } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('before is not a page cursor');
  });
});
