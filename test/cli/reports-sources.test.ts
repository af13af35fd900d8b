/**
 * Where the reports read from: PostgreSQL directly, a dashboard over HTTP (--url), the embedded
 * database through the running nexus that holds it, or opened directly when none does. Each must
 * print the same report; and records made by the real proxy come out with the upstream's numbers.
 */
import { serve } from '@hono/node-server';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../../src/dashboard/index.js';
import { openDatabase, writeUsageBatch, type Database, type RateLimitSnapshot } from '../../src/storage/index.js';
import { DEFAULT_API_KEY, startFakeAnthropic } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { send } from '../support/http.js';
import { nexusJson, runNexus } from '../support/nexus-reports.js';
import { startHarness } from '../support/proxy-harness.js';
import { usageRecord } from '../support/usage-records.js';
import { waitUntil } from '../support/wait-until.js';

const KEY = 'cnd_reports_dashboard_key_0123456789';

async function startDashboard(db: Database): Promise<{ url: string; close(): Promise<void> }> {
  const app = createDashboardApp({ apiKey: KEY, database: () => Promise.resolve(db) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}

function snapshot(reset: string, utilization: number): RateLimitSnapshot {
  const epoch = String(Date.parse(reset) / 1000);
  return {
    headers: { 'anthropic-ratelimit-unified-5h-reset': epoch },
    unifiedStatus: 'allowed',
    fiveHourUtilization: utilization,
    fiveHourReset: reset,
    sevenDayUtilization: 0.2,
    sevenDayReset: null,
  };
}

describe('the same report from PostgreSQL and from a dashboard over HTTP', () => {
  let testDb: TestDatabase;
  let db: Database;
  let dashboard: { url: string; close(): Promise<void> };
  let cwd: string;

  beforeAll(async () => {
    testDb = await createPostgresDatabase();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    // Two accounts; "sub" has the server's window 09:20–14:20 on record, which cuts hours 09 and 14.
    const at = (time: string, account: string, model: string, input: number, cost: string | null, rateLimit: RateLimitSnapshot | null = null) =>
      usageRecord({ startedAt: `2025-11-20T${time}Z`, account, model, inputTokens: input, outputTokens: input / 10, cacheReadTokens: input * 2, costUsd: cost, sessionId: `s-${account}`, conversationId: `s-${account}`, rateLimit });
    await writeUsageBatch(db, [
      at('09:10:00', 'sub', 'claude-opus-5-5', 100, '0.001000000000'),
      at('09:30:00', 'sub', 'claude-opus-5-5', 200, '0.002000000000', snapshot('2025-11-20T14:20:00Z', 0.31)),
      at('12:00:00', 'sub', 'claude-haiku-4-5', 400, '0.000400000000', snapshot('2025-11-20T14:20:00Z', 0.57)),
      at('14:10:00', 'sub', 'claude-opus-5-5', 800, '0.008000000000', snapshot('2025-11-20T14:20:00Z', 0.93)),
      at('14:40:00', 'sub', 'claude-mystery-9', 1600, null),
      at('23:50:00', 'api', 'claude-sonnet-4-5', 3200, '0.032000000000'),
    ]);
    dashboard = await startDashboard(db);
    cwd = await mkdtemp(join(tmpdir(), 'nexus-sources-'));
  });

  afterAll(async () => {
    await dashboard.close();
    await db.close();
    await testDb.drop();
    await rm(cwd, { recursive: true, force: true });
  });

  const reports = [
    ['daily', '-z', 'Asia/Tokyo', '--breakdown'],
    ['weekly', '-z', 'America/New_York', '-w', 'monday'],
    ['monthly', '-z', 'Asia/Kolkata'],
    ['session', '-z', 'UTC', '--breakdown'],
    ['blocks', '-z', 'UTC', '--token-limit', 'max'],
  ];

  it.each(reports)('prints the same %s, as a table and as JSON', async (...args) => {
    for (const variant of [args, [...args, '--json']]) {
      const direct = await runNexus(variant, { DATABASE_URL: testDb.url, COLUMNS: '160' }, { cwd });
      const http = await runNexus([...variant, '--url', dashboard.url, '--api-key', KEY], { COLUMNS: '160' }, { cwd });
      expect(direct.stderr).toBe('');
      expect(direct.code).toBe(0);
      expect(http.stdout).toBe(direct.stdout);
      expect(http.code).toBe(0);
    }
  });

  it('aligns blocks to the server window, split exactly inside the hours it cuts', async () => {
    type Blocks = { blocks: { startTime: string; endTime: string; totalTokens: number; costUSD: number; account: string; source: string; unpricedRequests: number; serverUtilization: { fiveHour: number } | null }[] };
    const env = { NEXUS_URL: dashboard.url, NEXUS_API_KEY: KEY };
    const report = await nexusJson<Blocks>(['blocks', '-z', 'UTC', '--account', 'sub'], env, { cwd });
    // Tokens are input × 1.3 (output input/10, cache read input×2). 09:10 is before the window:
    // a block of its own (09:00, cut at 09:20); 09:30–14:10 are the server's; 14:40 starts 14:00's.
    expect(report.blocks.map((b) => [b.startTime, b.endTime, b.source, b.totalTokens, b.costUSD, b.unpricedRequests, b.serverUtilization?.fiveHour ?? null])).toEqual([
      ['2025-11-20T09:00:00.000Z', '2025-11-20T09:20:00.000Z', 'first-request', 310, 0.001, 0, null],
      ['2025-11-20T09:20:00.000Z', '2025-11-20T14:20:00.000Z', 'server', 620 + 1240 + 2480, 0.0104, 0, 0.93],
      ['2025-11-20T14:00:00.000Z', '2025-11-20T19:00:00.000Z', 'first-request', 4960, 0, 1, null],
    ]);
  });

  it('names a wrong key in one line, exit code 2', async () => {
    const run = await runNexus(['daily', '--url', dashboard.url, '--api-key', 'wrong'], {}, { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`nexus: the dashboard at ${dashboard.url} refused the key (401): pass its DASHBOARD_API_KEY as --api-key or NEXUS_API_KEY. Run "nexus --help" for usage.`);
  });
});

describe('records made through the real proxy', () => {
  it('report the upstream’s numbers, in the server’s 5-hour window with its utilization', async () => {
    const testDb = await createPostgresDatabase();
    const h = await startHarness({ databaseUrl: testDb.url, fake: { oauth: [{ accessToken: 'sk-ant-oat01-a', refreshToken: 'sk-ant-ort01-r' }] } });
    const cwd = await mkdtemp(join(tmpdir(), 'nexus-proxy-reports-'));
    try {
      await h.writeCredentials('me.example.com', {
        type: 'oauth',
        oauth: { accessToken: 'sk-ant-oat01-a', refreshToken: 'sk-ant-ort01-r', expiresAt: new Date(Date.now() + 8 * 3_600_000).toISOString() },
        client_api_key: 'cnp_reports_client_key_0123456789',
        accountId: 'me',
      });
      let reset = '';
      for (let i = 0; i < 2; i += 1) {
        const res = await send(h.url, {
          method: 'POST',
          path: '/v1/messages?beta=true',
          headers: { host: 'me.example.com', 'user-agent': 'claude-cli/2.1.330 (external, cli)', 'x-api-key': 'cnp_reports_client_key_0123456789', 'x-claude-code-session-id': 'sess-proxy-1', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 10, stream: i === 0, messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(res.status).toBe(200);
        reset = String(res.headers['anthropic-ratelimit-unified-5h-reset']);
      }
      await h.flushUsage();
      const env = { DATABASE_URL: testDb.url };
      // The fake's usage per response: input 42, cache writes 1,500, cache reads 20,000, output 12:
      // 21,554 tokens and $0.014908 each (opus-5-5: 42×4 + 500×5 + 1000×8 + 20000×0.2 + 12×20 µ$).
      const daily = await nexusJson<{ daily: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; totalTokens: number; totalCost: number; modelsUsed: string[] }[] }>(['daily', '-z', 'UTC'], env, { cwd });
      expect(daily.daily).toHaveLength(1);
      expect(daily.daily[0]).toMatchObject({ inputTokens: 84, outputTokens: 24, cacheCreationTokens: 3000, cacheReadTokens: 40_000, totalTokens: 43_108, totalCost: 0.029816, modelsUsed: ['claude-opus-5-5'] });
      const sessions = await nexusJson<{ sessions: { sessionId: string; totalTokens: number }[] }>(['session', '-z', 'UTC'], env, { cwd });
      expect(sessions.sessions).toMatchObject([{ sessionId: 'sess-proxy-1', totalTokens: 43_108 }]);
      const blocks = await nexusJson<{ blocks: { startTime: string; endTime: string; isActive: boolean; source: string; entries: number; serverUtilization: { fiveHour: number } | null; burnRate: unknown; projection: { totalTokens: number } | null }[] }>(['blocks', '--active'], env, { cwd });
      const end = new Date(Number(reset) * 1000);
      expect(blocks.blocks).toMatchObject([
        { startTime: new Date(end.getTime() - 5 * 3_600_000).toISOString(), endTime: end.toISOString(), isActive: true, source: 'server', entries: 2, serverUtilization: { fiveHour: 0.12 } },
      ]);
      expect(blocks.blocks[0]?.projection?.totalTokens).toBeGreaterThan(43_108);
      const table = await runNexus(['blocks', '--active', '-z', 'UTC'], env, { cwd });
      expect(table.stdout).toContain('Current Session Block Status (me)');
      expect(table.stdout).toContain('5h Utilization:   12.0% (allowed)');
    } finally {
      await h.close();
      await (await h.database()).close();
      await testDb.drop();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

describe('the embedded database in DATA_DIR', () => {
  const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));
  let child: ChildProcessWithoutNullStreams | null = null;

  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('is read through the running nexus that holds it, then directly once it stopped, with the same result', async () => {
    const fake = await startFakeAnthropic();
    const workDir = await mkdtemp(join(tmpdir(), 'nexus-datadir-'));
    const dataDir = join(workDir, 'data');
    try {
      const env = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', DASHBOARD_PORT: '0', HOST: '127.0.0.1', CLAUDE_API_BASE_URL: fake.url, LOG_LEVEL: 'info' };
      const nexus = spawn(process.execPath, [BIN, 'start'], { cwd: workDir, env });
      child = nexus;
      const exited = new Promise<number | null>((resolve) => nexus.on('close', resolve));
      const owner = await waitUntil(async () => {
        try {
          const lock = JSON.parse(await readFile(join(dataDir, 'nexus.lock'), 'utf8')) as { proxyUrl?: string; dashboardUrl?: string };
          return lock.proxyUrl !== undefined && lock.dashboardUrl !== undefined ? lock : undefined;
        } catch {
          return undefined;
        }
      }, 'nexus start to announce its URLs', { timeoutMs: 20_000 });
      const res = await send(owner.proxyUrl ?? '', {
        method: 'POST',
        path: '/v1/messages',
        headers: { host: 'localhost', 'x-api-key': DEFAULT_API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      const cliEnv = { DATA_DIR: dataDir };
      type Daily = { daily: { totalTokens: number }[] };
      // While it runs, PGlite is its alone: the report goes through its dashboard (key from DATA_DIR).
      const viaDashboard = await waitUntil(async () => {
        const report = await nexusJson<Daily>(['daily', '-z', 'UTC'], cliEnv, { cwd: workDir });
        return report.daily.length === 1 ? report : undefined;
      }, 'the record to reach the ledger', { timeoutMs: 15_000, intervalMs: 200 });
      expect(viaDashboard.daily[0]?.totalTokens).toBe(21_554);
      nexus.kill('SIGTERM');
      expect(await exited).toBe(0);
      child = null;
      // Now nobody holds it: opened directly (under the lock, released after).
      const direct = await nexusJson<Daily>(['daily', '-z', 'UTC'], cliEnv, { cwd: workDir });
      expect(direct).toEqual(viaDashboard);
      expect(existsSync(join(dataDir, 'nexus.lock'))).toBe(false);
    } finally {
      await fake.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('says so when DATA_DIR holds no ledger yet', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'nexus-empty-'));
    try {
      const run = await runNexus(['daily'], { DATA_DIR: join(workDir, 'data') }, { cwd: workDir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^nexus: No usage ledger in embedded PGlite in .*data\/pglite yet: start nexus there first/);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
