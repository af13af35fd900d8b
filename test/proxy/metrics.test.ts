/** GET /metrics on the built bin: Prometheus text counting what went through, and no secret in it. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_API_KEY, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { send } from '../support/http.js';
import { spawnNexusProxy, killChildren } from '../support/nexus-process.js';

const CLIENT_KEY = 'cnk_metrics_client_key_0123456789abcdef';
const ACCESS = 'sk-ant-oat01-metrics-expired-access';
const REFRESH = 'sk-ant-ort01-metrics-refresh';
const children: ChildProcessWithoutNullStreams[] = [];
let fake: FakeAnthropic;
let workDir: string;

beforeEach(async () => {
  fake = await startFakeAnthropic({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] });
  workDir = await mkdtemp(join(tmpdir(), 'nexus-metrics-'));
});

afterEach(async () => {
  await killChildren(children);
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
});

/** The value of one sample line, e.g. `nexus_requests_total{status="200",outcome="completed"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('counts requests, tokens, cost, refreshes and ledger writes, and shows no secret', async () => {
  const credentialsDir = join(workDir, 'credentials');
  await mkdir(credentialsDir);
  const expired = { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() - 60_000).toISOString() };
  await writeFile(join(credentialsDir, 'team.example.com.credentials.json'), JSON.stringify({ type: 'oauth', oauth: expired, client_api_key: CLIENT_KEY, accountId: 'team' }));
  const nexus = await spawnNexusProxy(
    { CLAUDE_API_BASE_URL: fake.url, CLAUDE_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token`, CREDENTIALS_DIR: credentialsDir, DATA_DIR: join(workDir, 'data'), LOG_LEVEL: 'info' },
    workDir,
    children,
  );
  const body = (stream: boolean): string => JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 5, stream, messages: [{ role: 'user', content: 'hi' }] });
  const managed = { host: 'team.example.com', 'user-agent': 'claude-cli/2.1.330 (external, cli)', 'x-api-key': CLIENT_KEY };
  expect((await send(nexus.url, { method: 'POST', path: '/v1/messages', headers: managed, body: body(false) })).status).toBe(200);
  expect((await send(nexus.url, { method: 'POST', path: '/v1/messages', headers: managed, body: body(true) })).status).toBe(200);
  expect((await send(nexus.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'sk-ant-api03-wrong' }, body: body(false) })).status).toBe(401);
  // The recorder writes every 500 ms: wait until both usage records are in the database.
  let text: string;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await send(nexus.url, { path: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    text = res.text;
    if ((sample(text, 'nexus_db_records_written_total') ?? 0) >= 3 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(sample(text, 'nexus_requests_total{status="200",outcome="completed"}')).toBe(2);
  expect(sample(text, 'nexus_requests_total{status="401",outcome="completed"}')).toBe(1);
  expect(sample(text, 'nexus_in_flight_requests')).toBe(0);
  expect(sample(text, 'nexus_upstream_ttfb_seconds_count')).toBe(3);
  expect(sample(text, 'nexus_tokens_total{model="claude-opus-5-5",kind="input"}')).toBe(84);
  expect(sample(text, 'nexus_tokens_total{model="claude-opus-5-5",kind="cache_read"}')).toBe(40_000);
  expect(sample(text, 'nexus_cost_usd_total{model="claude-opus-5-5"}')).toBeGreaterThan(0);
  expect(sample(text, 'nexus_oauth_refreshes_total{result="refreshed"}')).toBe(1);
  expect(sample(text, 'nexus_oauth_refreshes_total{result="failed"}')).toBe(0);
  expect(sample(text, 'nexus_db_records_written_total')).toBe(3);
  expect(sample(text, 'nexus_db_write_seconds_count{result="ok"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'nexus_spool_backlog_records')).toBe(0);
  expect(text).toContain('nexus_process_cpu_seconds_total');
  for (const secret of [CLIENT_KEY, ACCESS, REFRESH, DEFAULT_API_KEY, 'sk-ant-api03-wrong', ...fake.currentOAuth().flatMap((pair) => [pair.accessToken, pair.refreshToken])]) {
    expect(text).not.toContain(secret);
  }
});
