/** The ledger's JSON API on the dashboard: key-protected, exact money, clear 400s. */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp, loadDashboardKey } from '../../src/dashboard/index.js';
import { openDatabase, writeUsageBatch, type Database } from '../../src/storage/index.js';
import { send } from '../support/http.js';

const KEY = 'cnd_test_dashboard_key_0123456789';
let db: Database;
let server: Server;
let url: string;

beforeAll(async () => {
  db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/nonexistent' });
  const base = {
    upstreamRequestId: null, domain: 'd', clientKeyId: null, method: 'POST', path: '/v1/messages', stream: true, status: 200,
    outcome: 'completed' as const, errorType: null, outputTokens: 5, cacheWriteTokens: 0, cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0, cacheReadTokens: 0, webSearchRequests: 0, serverToolUse: null, serviceTier: null, inferenceGeo: null,
    priceVersion: 'v', ttfbMs: 1, durationMs: 2, agentId: null, parentAgentId: null, requestClass: null, userAgent: null, rateLimit: null,
  };
  await writeUsageBatch(db, [
    { ...base, id: 'r1', startedAt: '2026-11-23T10:00:00Z', account: 'team', model: 'claude-opus-5-5', inputTokens: 10, costUsd: '0.100000000001', sessionId: 's', conversationId: 's' },
    { ...base, id: 'r2', startedAt: '2026-11-24T10:00:00Z', account: 'team', model: 'claude-haiku-4-5', inputTokens: 20, costUsd: '0.200000000002', sessionId: 's', conversationId: 's' },
  ]);
  const app = createDashboardApp({ apiKey: KEY, database: () => Promise.resolve(db) });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  await db.close();
});

const auth = { 'x-api-key': KEY };

describe('usage API', () => {
  it('refuses a missing or wrong key with a 401, and accepts a Bearer key', async () => {
    expect((await send(url, { path: '/api/usage' })).status).toBe(401);
    expect((await send(url, { path: '/api/usage', headers: { 'x-api-key': 'nope' } })).status).toBe(401);
    expect((await send(url, { path: '/api/usage', headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
  });

  it('reports periods with exact money and per-model breakdowns', async () => {
    const days = (await send(url, { path: '/api/usage?period=day&tz=Europe/Berlin', headers: auth })).json<{ periods: { period: string; costUsd: string; requests: number }[] }>();
    expect(days.periods.map((p) => [p.period, p.requests, p.costUsd])).toEqual([
      ['2026-11-23', 1, '0.100000000001'],
      ['2026-11-24', 1, '0.200000000002'],
    ]);
    const totals = (await send(url, { path: '/api/usage/totals?by=model&since=2026-11-01', headers: auth })).json<{ totals: { costUsd: string }; breakdown: { key: string }[] }>();
    expect(totals.totals.costUsd).toBe('0.300000000003');
    expect(totals.breakdown.map((b) => b.key)).toEqual(['claude-haiku-4-5', 'claude-opus-5-5']);
  });

  it('lists conversations and entries', async () => {
    const found = (await send(url, { path: '/api/conversations?limit=5', headers: auth })).json<{ conversations: { conversationId: string; requests: number }[] }>();
    expect(found.conversations).toMatchObject([{ conversationId: 's', requests: 2 }]);
    const entries = (await send(url, { path: '/api/usage/entries?since=20261124', headers: auth })).json<{ entries: unknown[] }>();
    expect(entries.entries).toHaveLength(1);
    const blocks = (await send(url, { path: '/api/usage/blocks?account=team', headers: auth })).json<{ blocks: { start: string; costUsd: string; requests: number }[] }>();
    expect(blocks.blocks.map((b) => [b.start, b.requests, b.costUsd])).toEqual([
      ['2026-11-23T10:00:00.000Z', 1, '0.100000000001'],
      ['2026-11-24T10:00:00.000Z', 1, '0.200000000002'],
    ]);
  });

  it.each([
    ['/api/usage?period=fortnight', /period/],
    ['/api/usage?tz=Mars/Olympus', /tz is not a known IANA time zone/],
    ['/api/usage?since=yesterday', /since must be a date/],
    ['/api/conversations?limit=0', /limit/],
  ])('answers %s with a readable 400', async (path, message) => {
    const res = await send(url, { path, headers: auth });
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(message);
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await send(url, { path: '/api/nothing', headers: auth });
    expect(res.status).toBe(404);
  });
});

describe('dashboard key', () => {
  it('is generated once, kept in DATA_DIR with mode 0600, and reused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nexus-key-'));
    try {
      const first = loadDashboardKey(undefined, dir);
      expect(first.generated).toBe(true);
      expect(first.key).toMatch(/^cnd_[\w-]{32}$/);
      expect((await readFile(join(dir, 'dashboard-api-key'), 'utf8')).trim()).toBe(first.key);
      expect((await stat(join(dir, 'dashboard-api-key'))).mode & 0o777).toBe(0o600);
      expect(loadDashboardKey(undefined, dir)).toEqual({ key: first.key, generated: false });
      expect(loadDashboardKey('configured', dir)).toEqual({ key: 'configured', generated: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
