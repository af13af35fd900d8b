/**
 * Issue 8, the secrets scan: a mixed scenario through the built `nexus start` (proxy and dashboard in
 * one process, PostgreSQL, STORE_BODIES on, LOG_LEVEL debug) — an API-key domain, an OAuth domain
 * whose token has expired and is refreshed, passthrough, wrong keys, streams, upstream errors — and
 * then every place a secret could end up is read: the logs, a full database dump, DATA_DIR, every
 * dashboard page and API answer, the live feed, /metrics and /health. No secret may appear anywhere.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { send, type RawResponse } from '../support/http.js';
import { runNexus } from '../support/nexus-cli.js';
import { spawnNexusStart, type NexusProcess, killChildren } from '../support/nexus-process.js';
import { waitUntil } from '../support/wait-until.js';
import { crawl, dumpDatabase, readStream, readTree, scanSources, sourceBytes, type CrawlResult, type Source } from './secret-sources.js';

const hex = (): string => randomBytes(16).toString('hex');
const API_HOST = 'api.secrets.test';
const OAUTH_HOST = 'sub.secrets.test';
const PASS_HOST = 'open.secrets.test';
const CLAUDE_CODE_UA = 'claude-cli/2.1.330 (external, cli)';

/** Every secret of the scenario; the new OAuth pair is added once the refresh happened. */
const SECRETS: Record<string, string> = {
  upstreamApiKey: `sk-ant-api03-${hex()}`,
  apiClientKey: `cnp_${hex()}`,
  oauthClientKey: `cnp_${hex()}`,
  oldAccessToken: `sk-ant-oat01-${hex()}`,
  oldRefreshToken: `sk-ant-ort01-${hex()}`,
  passthroughKey: `sk-ant-api03-${hex()}`,
  wrongClientKey: `cnp_${hex()}`,
  wrongPassthroughKey: `sk-ant-api03-${hex()}`,
  dashboardKey: `cnd_${hex()}`,
  wrongDashboardKey: `cnd_${hex()}`,
  wrongMemberKey: `nxk_${randomBytes(30).toString('base64url')}`,
};
const secret = (name: string): string => SECRETS[name] ?? '';

const children: ChildProcessWithoutNullStreams[] = [];
let fake: FakeAnthropic;
let workDir: string;
let dataDir: string;
let credentialsDir: string;
let testDb: TestDatabase;
let nexus: NexusProcess & { dashboardUrl: string };
/** What each step of the scenario got, by name. */
const answers = new Map<string, RawResponse>();
/** DATA_DIR read after every step: the spool segments live only until their records are in the database. */
const dataDirSnapshots: Source = { name: 'data dir', parts: [] };
const sources: Source[] = [];
let dashboard: CrawlResult;
let databaseRows: Record<string, number> = {};

const message = (content: string, stream: boolean): string =>
  JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, stream, messages: [{ role: 'user', content }] });

interface Step {
  name: string;
  host: string;
  headers: Record<string, string>;
  body?: string;
  path?: string;
  method?: string;
  status: number;
}

const api = { 'x-api-key': secret('apiClientKey') };
const oauth = { 'x-api-key': secret('oauthClientKey'), 'user-agent': CLAUDE_CODE_UA, 'anthropic-beta': 'claude-code-20250219' };
const SCENARIO: Step[] = [
  { name: 'api, JSON', host: API_HOST, headers: api, body: message('hi', false), status: 200 },
  { name: 'api, stream, bearer, session', host: API_HOST, headers: { authorization: `Bearer ${secret('apiClientKey')}`, 'x-claude-code-session-id': 'session-secrets-1' }, body: message('hi', true), status: 200 },
  { name: 'api, both credential headers', host: API_HOST, headers: { ...api, authorization: `Bearer ${secret('apiClientKey')}` }, body: message('again', false), status: 200 },
  { name: 'oauth, JSON (refreshes)', host: OAUTH_HOST, headers: oauth, body: message('hi', false), status: 200 },
  { name: 'oauth, stream', host: OAUTH_HOST, headers: { ...oauth, 'x-api-key': '', authorization: `Bearer ${secret('oauthClientKey')}`, 'x-claude-code-session-id': 'session-secrets-2' }, body: message('hi', true), status: 200 },
  { name: 'passthrough, JSON', host: PASS_HOST, headers: { 'x-api-key': secret('passthroughKey') }, body: message('hi', false), status: 200 },
  { name: 'passthrough, stream, bearer', host: PASS_HOST, headers: { authorization: `Bearer ${secret('passthroughKey')}` }, body: message('hi', true), status: 200 },
  { name: 'passthrough, models', host: PASS_HOST, method: 'GET', path: '/v1/models', headers: { 'x-api-key': secret('passthroughKey') }, status: 200 },
  { name: 'api, count_tokens', host: API_HOST, path: '/v1/messages/count_tokens', headers: api, body: message('count me', false), status: 200 },
  { name: 'api, wrong client key', host: API_HOST, headers: { 'x-api-key': secret('wrongClientKey') }, body: message('hi', false), status: 401 },
  { name: 'oauth, wrong client key', host: OAUTH_HOST, headers: { ...oauth, 'x-api-key': secret('wrongClientKey') }, body: message('hi', false), status: 401 },
  { name: 'oauth, not Claude Code', host: OAUTH_HOST, headers: { 'x-api-key': secret('oauthClientKey'), 'user-agent': 'curl/8' }, body: message('hi', false), status: 403 },
  { name: 'passthrough, wrong key', host: PASS_HOST, headers: { 'x-api-key': secret('wrongPassthroughKey') }, body: message('hi', false), status: 401 },
  { name: 'api, upstream overloaded', host: API_HOST, headers: api, body: message('FAKE_OVERLOADED', false), status: 529 },
  { name: 'oauth, upstream rate limit', host: OAUTH_HOST, headers: oauth, body: message('FAKE_RATE_LIMIT', false), status: 429 },
  { name: 'passthrough, error mid-stream', host: PASS_HOST, headers: { 'x-api-key': secret('passthroughKey') }, body: message('FAKE_MIDSTREAM_ERROR', true), status: 200 },
];

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value));
  await chmod(path, 0o600);
}

async function snapshotDataDir(step: string): Promise<void> {
  const tree = await readTree('data dir', dataDir);
  for (const part of tree.parts) dataDirSnapshots.parts.push({ label: `${part.label} after ${step}`, bytes: part.bytes });
}

async function runStep(step: Step): Promise<void> {
  const res = await send(nexus.url, {
    method: step.method ?? 'POST',
    path: step.path ?? '/v1/messages',
    headers: { host: step.host, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...step.headers },
    ...(step.body === undefined ? {} : { body: step.body }),
  });
  answers.set(step.name, res);
  // The record is spooled when the exchange closes, a moment after the client has the answer.
  await new Promise((resolve) => setTimeout(resolve, 100));
  await snapshotDataDir(step.name);
}

async function logIn(): Promise<string> {
  const form = (key: string): Promise<RawResponse> =>
    send(nexus.dashboardUrl, { method: 'POST', path: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: nexus.dashboardUrl }, body: new URLSearchParams({ key, next: '/' }).toString() });
  const refused = await form(secret('wrongDashboardKey'));
  expect(refused.status).toBe(401);
  sources.push({ name: 'dashboard', parts: [{ label: `${refused.status} POST /login (wrong key)`, bytes: Buffer.concat([Buffer.from(JSON.stringify(refused.rawHeaders)), refused.body]) }] });
  const res = await form(secret('dashboardKey'));
  expect(res.status).toBe(303);
  const cookie = [res.headers['set-cookie'] ?? []].flat().find((line) => line.startsWith('nexus_session='))?.split(';')[0];
  if (cookie === undefined) throw new Error('the login set no session cookie');
  return cookie;
}

/** Pages and JSON the dashboard serves; the crawl adds whatever they link to (details, exports, downloads). */
async function dashboardSeeds(): Promise<string[]> {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  const ids = (await client.query<{ id: string }>('SELECT id FROM requests ORDER BY started_at')).rows.map((r) => r.id);
  const conversations = (await client.query<{ id: string }>('SELECT DISTINCT conversation_id AS id FROM requests WHERE conversation_id IS NOT NULL')).rows.map((r) => r.id);
  await client.end();
  const since = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return [
    '/', '/?range=24h', '/accounts', '/requests', '/conversations', '/overview/top-sessions', '/health', '/no-such-page',
    ...ids.flatMap((id) => [`/requests/${id}`, `/requests/${id}/request-body`, `/requests/${id}/response-body`, `/api/requests/${id}`]),
    ...conversations.flatMap((id) => [`/conversations/${encodeURIComponent(id)}`]),
    '/export/requests.csv', '/export/requests.json', '/export/conversations.csv', '/export/conversations.json',
    '/api/dashboard/overview', '/api/dashboard/top-sessions', '/api/dashboard/latest', '/api/dashboard/accounts', '/api/dashboard/utilization',
    '/api/usage', '/api/usage?period=hour&by=account', '/api/usage/totals?by=domain', '/api/usage/totals?by=account', '/api/usage/entries', `/api/usage/entries?since=${since}`,
    '/api/usage/blocks', '/api/usage/sessions', '/api/usage/hours', '/api/usage/five-hour-resets', '/api/conversations', '/api/plan-utilization',
    '/api/people/members', '/api/people/keys', '/api/people/fingerprints', '/api/usage/totals?by=member', '/api/usage?by=team',
    `/api/statusline?dayStart=${new Date(Date.now() - 3_600_000).toISOString()}`, '/api/requests', '/api/no-such-endpoint',
  ];
}

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKeys: [secret('upstreamApiKey'), secret('passthroughKey')], oauth: [{ accessToken: secret('oldAccessToken'), refreshToken: secret('oldRefreshToken') }] });
  fake.expireAccessToken(secret('oldAccessToken'));
  testDb = await createPostgresDatabase();
  workDir = await mkdtemp(join(tmpdir(), 'nexus-secrets-'));
  dataDir = join(workDir, 'data');
  credentialsDir = join(workDir, 'credentials');
  await mkdir(credentialsDir);
  await writeJson(join(credentialsDir, `${API_HOST}.credentials.json`), { type: 'api_key', api_key: secret('upstreamApiKey'), client_api_key: secret('apiClientKey'), accountId: 'api-team' });
  await writeJson(join(credentialsDir, `${OAUTH_HOST}.credentials.json`), {
    type: 'oauth',
    oauth: { accessToken: secret('oldAccessToken'), refreshToken: secret('oldRefreshToken'), expiresAt: new Date(Date.now() - 3_600_000).toISOString() },
    client_api_key: secret('oauthClientKey'),
    accountId: 'me',
  });
  nexus = await spawnNexusStart(
    {
      CLAUDE_API_BASE_URL: fake.url,
      CLAUDE_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token`,
      CREDENTIALS_DIR: credentialsDir,
      DATA_DIR: dataDir,
      DATABASE_URL: testDb.url,
      DASHBOARD_API_KEY: secret('dashboardKey'),
      STORE_BODIES: 'on',
      LOG_LEVEL: 'debug',
    },
    workDir,
    children,
  );
  for (const step of SCENARIO) await runStep(step);
  // Member keys, made through the running dashboard as an admin would; the key is printed once, to the CLI's stdout only.
  const admin = (args: string[]) => runNexus([...args, '--url', nexus.dashboardUrl], { env: { NEXUS_API_KEY: secret('dashboardKey') }, cwd: workDir });
  expect((await admin(['members', 'add', 'ana@secrets.test', '--team', 'platform'])).code).toBe(0);
  for (const name of ['memberKey', 'revokedMemberKey']) {
    const created = await admin(['keys', 'create', API_HOST, '--member', 'ana@secrets.test', '--label', name]);
    expect(created.code, created.stderr).toBe(0);
    SECRETS[name] = created.stdout.trim();
  }
  expect((await admin(['keys', 'revoke', secret('revokedMemberKey').slice(0, 12)])).code).toBe(0);
  expect((await admin(['keys', 'list'])).stdout).not.toContain(secret('memberKey'));
  for (const step of [
    { name: 'api, member key', host: API_HOST, headers: { 'x-api-key': secret('memberKey'), 'x-claude-code-session-id': 'session-secrets-3' }, body: message('hi', false), status: 200 },
    { name: 'api, member key, stream, bearer', host: API_HOST, headers: { authorization: `Bearer ${secret('memberKey')}` }, body: message('hi', true), status: 200 },
    { name: 'api, revoked member key', host: API_HOST, headers: { 'x-api-key': secret('revokedMemberKey') }, body: message('hi', false), status: 401 },
    { name: 'api, wrong member key', host: API_HOST, headers: { 'x-api-key': secret('wrongMemberKey') }, body: message('hi', false), status: 401 },
  ]) {
    SCENARIO.push(step);
    await runStep(step);
  }
  for (const [i, pair] of fake.currentOAuth().entries()) {
    SECRETS[`newAccessToken${i}`] = pair.accessToken;
    SECRETS[`newRefreshToken${i}`] = pair.refreshToken;
  }
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  await waitUntil(async () => (Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM requests')).rows[0]?.n) >= SCENARIO.length ? true : undefined), 'every record in the database', { timeoutMs: 20_000 });
  await client.end();

  const cookie = await logIn();
  dashboard = await crawl(nexus.dashboardUrl, await dashboardSeeds(), { cookie }, 400);
  const cliAnswers = await Promise.all(['/api/usage/totals', '/api/conversations'].map((path) => send(nexus.dashboardUrl, { path, headers: { 'x-api-key': secret('dashboardKey') } })));
  const live = await readStream(`${nexus.dashboardUrl}/api/live`, { cookie }, async () => { await runStep(SCENARIO[0] ?? { name: '', host: '', headers: {}, status: 0 }); }, 1500);
  const anonymous = await Promise.all(['/login', '/', '/api/usage', '/health'].map(async (path) => ({ path, res: await send(nexus.dashboardUrl, { path }) })));
  sources.push({
    name: 'dashboard',
    parts: [
      ...dashboard.parts,
      live,
      ...cliAnswers.map((res, i) => ({ label: `${res.status} key-header request #${i}`, bytes: res.body })),
      ...anonymous.map(({ path, res }) => ({ label: `${res.status} ${path} (logged out)`, bytes: res.body })),
    ],
  });
  const proxyPaths = ['/metrics', '/health', '/', '/api/hello', '/nope'];
  const proxyAnswers = await Promise.all(proxyPaths.map((path) => send(nexus.url, { path })));
  sources.push({
    name: 'proxy endpoints',
    parts: [
      ...proxyAnswers.map((res, i) => ({ label: `${res.status} ${proxyPaths[i] ?? ''}`, bytes: Buffer.concat([Buffer.from(JSON.stringify(res.rawHeaders)), res.body]) })),
      ...[...answers].map(([name, res]) => ({ label: `answer to "${name}"`, bytes: Buffer.concat([Buffer.from(JSON.stringify(res.rawHeaders)), res.body]) })),
    ],
  });
  const database = await dumpDatabase(testDb.url);
  databaseRows = database.rows;
  sources.push(database);
  await snapshotDataDir('the end');
  sources.push(dataDirSnapshots);
  // Last, so the logs cover the dashboard's own requests too.
  sources.push({ name: 'logs', parts: [{ label: 'stdout', bytes: Buffer.from(nexus.stdout()) }, { label: 'stderr', bytes: Buffer.from(nexus.stderr()) }] });
  const bytes = new Map<string, number>();
  for (const source of sources) bytes.set(source.name, (bytes.get(source.name) ?? 0) + sourceBytes(source));
  // SECRETS_SHOW_PAGES=1 lists every page the crawl fetched, with its status.
  if (process.env.SECRETS_SHOW_PAGES !== undefined) console.log(dashboard.pages.join('\n'));
  console.log(
    `secrets scan: ${Object.keys(SECRETS).length} secrets over ${[...bytes].map(([name, n]) => `${name} ${n} B`).join(', ')}; ` +
      `${dashboard.pages.length} dashboard pages crawled (${dashboard.pages.filter((p) => p.startsWith('200')).length} answered 200); database rows ${JSON.stringify(databaseRows)}`,
  );
}, 120_000);

afterAll(async () => {
  await killChildren(children);
  await fake.close();
  await testDb.drop();
  await rm(workDir, { recursive: true, force: true });
});

describe('secrets never leave the credentials folder', () => {
  it('ran the whole scenario: every answer as expected, the OAuth token refreshed', () => {
    expect(Object.fromEntries([...answers].map(([name, res]) => [name, res.status]))).toEqual(Object.fromEntries(SCENARIO.map((step) => [step.name, step.status])));
    expect(fake.tokenRequests.length).toBeGreaterThanOrEqual(1);
    const fresh = fake.currentOAuth();
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    expect(fresh.map((pair) => pair.accessToken)).not.toContain(secret('oldAccessToken'));
    // Upstream saw the real credentials: the ones the scan looks for were really in play.
    const sentUpstream = JSON.stringify(fake.received.map((r) => r.rawHeaders));
    expect(sentUpstream).toContain(secret('upstreamApiKey'));
    expect(sentUpstream).toContain(fresh[0]?.accessToken ?? '-');
    expect(sentUpstream).toContain(secret('passthroughKey'));
  });

  it('covered every source: logs, database, data dir, dashboard pages and API, proxy endpoints', () => {
    const bytes = (name: string): number => sources.filter((s) => s.name === name).reduce((n, s) => n + sourceBytes(s), 0);
    expect(bytes('logs')).toBeGreaterThan(3_000);
    expect(nexus.stdout().match(/"msg":"request"/g)?.length).toBeGreaterThanOrEqual(SCENARIO.length);
    expect(nexus.stdout()).toContain('"msg":"oauth token refreshed"');
    expect(bytes('database')).toBeGreaterThan(10_000);
    expect(databaseRows.requests).toBeGreaterThanOrEqual(SCENARIO.length);
    expect(databaseRows.request_bodies).toBeGreaterThanOrEqual(5);
    expect(Object.keys(databaseRows).length).toBeGreaterThanOrEqual(5);
    // The spool was caught holding records before they reached the database.
    expect(dataDirSnapshots.parts.some((part) => part.label.includes('spool') && part.bytes.length > 500)).toBe(true);
    expect(dashboard.pages.length).toBeGreaterThanOrEqual(40);
    expect(dashboard.pages.filter((page) => page.startsWith('200')).length).toBeGreaterThanOrEqual(25);
    expect(bytes('dashboard')).toBeGreaterThan(100_000);
    expect(bytes('proxy endpoints')).toBeGreaterThan(2_000);
  });

  it('finds the secrets where they belong, so a miss elsewhere means something', async () => {
    const credentials = await readTree('credentials', credentialsDir);
    const found = new Set(scanSources(SECRETS, [credentials]).filter((hit) => hit.form === 'whole').map((hit) => hit.secret));
    expect(found).toEqual(new Set(['upstreamApiKey', 'apiClientKey', 'oauthClientKey', 'newAccessToken0', 'newRefreshToken0']));
  });

  it('finds no secret in the logs, the database, DATA_DIR, the dashboard, /metrics or /health', () => {
    const hits = scanSources(SECRETS, sources).map((hit) => `${hit.secret} (${hit.form}) in ${hit.source}: ${hit.label}`);
    expect(hits).toEqual([]);
  });
});
