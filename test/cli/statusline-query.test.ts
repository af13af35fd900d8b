/**
 * The status line's one query, on both backends and through a dashboard: the session's, today's
 * and the current block's figures against sums worked out by hand, the block being the one
 * `nexus blocks` marks active (the server's window, or ccusage's chain of blocks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSource } from '../../src/cli/usage-source/index.js';
import { openDatabase, statuslineFigures, writeUsageBatch, type Database, type RateLimitSnapshot, type StatuslineQuery } from '../../src/storage/index.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { BACKENDS, type TestDatabase } from '../support/databases.js';
import { usageRecord } from '../support/usage-records.js';

const KEY = 'cnd_statusline_dashboard_key_0123456789';
const at = (time: string) => new Date(`2026-11-24T${time}Z`);

function snapshot(fiveHour: number): RateLimitSnapshot {
  return { headers: {}, unifiedStatus: 'allowed', fiveHourUtilization: fiveHour, fiveHourReset: '2026-11-24T14:20:00.000Z', sevenDayUtilization: 0.2, sevenDayReset: '2026-11-27T00:00:00.000Z' };
}

const record = (time: string, account: string, fields: Partial<Parameters<typeof usageRecord>[0]>) =>
  usageRecord({ startedAt: `2026-11-24T${time}.000Z`, account, domain: `${account}.example.com`, ...fields });

// "sub" has the server's window 09:20–14:20 on record. opus-5-5 input 4, output 20 per MTok.
const SUB = [
  record('08:10:00', 'sub', { inputTokens: 1000, costUsd: '0.004000000000' }),
  record('08:40:00', 'sub', { inputTokens: 100, costUsd: '0.000400000000' }),
  record('09:30:00', 'sub', { inputTokens: 1000, outputTokens: 1000, costUsd: '0.024000000000', sessionId: 's1', rateLimit: snapshot(0.31) }),
  record('11:45:00', 'sub', { inputTokens: 2000, outputTokens: 2000, costUsd: '0.048000000000', sessionId: 's1', rateLimit: snapshot(0.57) }),
  record('12:10:00', 'sub', { model: 'claude-mystery-9', inputTokens: 500, costUsd: null, sessionId: 's2' }),
];
// A member's session on its own account (s9), and the same member's earlier usage on another account.
const MINE = [
  record('08:45:00', 'me', { inputTokens: 100, costUsd: '0.001000000000', sessionId: 's9', memberId: 'mem_ana' }),
  record('10:15:00', 'me', { inputTokens: 200, costUsd: '0.002000000000', sessionId: 's9', memberId: 'mem_ana' }),
  usageRecord({ startedAt: '2026-11-03T10:00:00.000Z', account: 'other', domain: 'other.example.com', inputTokens: 400, costUsd: '0.004000000000', memberId: 'mem_ana' }),
  usageRecord({ startedAt: '2026-10-30T10:00:00.000Z', account: 'other', domain: 'other.example.com', inputTokens: 800, costUsd: '0.008000000000', memberId: 'mem_ana' }),
];
// "api" has no server windows: ccusage's blocks 01:00–06:00, 06:00–11:00, 11:00–16:00.
const API = [
  record('01:30:00', 'api', { inputTokens: 10, costUsd: '0.000040000000' }),
  record('05:50:00', 'api', { inputTokens: 20, costUsd: '0.000080000000' }),
  record('06:10:00', 'api', { inputTokens: 40, costUsd: '0.000160000000' }),
  record('10:59:00', 'api', { inputTokens: 80, costUsd: '0.000320000000' }),
  record('11:05:00', 'api', { inputTokens: 160, costUsd: '0.000640000000' }),
  record('12:00:00', 'api', { inputTokens: 320, costUsd: '0.001280000000' }),
];

describe.each(BACKENDS)('statuslineFigures on $name', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  let dashboard: DashboardServer;
  const NOW = at('12:20:00');
  // A zone whose midnight is not on the hour (as +05:30's is in UTC): 08:30 UTC.
  const DAY_START = at('08:30:00');

  beforeAll(async () => {
    testDb = await backend.create();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    await writeUsageBatch(db, [...SUB, ...API, ...MINE]);
    dashboard = await startDashboardServer({ apiKey: KEY, database: () => Promise.resolve(db) });
  });

  afterAll(async () => {
    await dashboard.close();
    await db.close();
    await testDb.drop();
  });

  it('sums the session, today from the zone’s midnight, and the server’s window for the session’s account', async () => {
    const figures = await statuslineFigures(db, { sessionId: 's1', dayStart: DAY_START, now: NOW });
    expect(figures.account).toBe('sub');
    expect(figures.session).toEqual({ requests: 2, tokens: 6000, costUsd: '0.072000000000', unpricedRequests: 0 });
    // 08:40 (from requests: the half hour before 09:00), then 09:30, 11:45, 12:10 from the roll-ups; 08:10 is yesterday here.
    expect(figures.today).toEqual({ requests: 4, tokens: 6600, costUsd: '0.072400000000', unpricedRequests: 1 });
    // The window 09:20–14:20: 09:30, 11:45 and the unpriced 12:10; not 08:10 or 08:40.
    expect(figures.block).toEqual({ start: at('09:20:00'), end: at('14:20:00'), source: 'server', requests: 3, tokens: 6500, costUsd: '0.072000000000', unpricedRequests: 1 });
    expect(figures.utilization).toMatchObject({ observedAt: at('11:45:00'), fiveHourUtilization: 0.57, fiveHourReset: at('14:20:00'), sevenDayUtilization: 0.2 });
  });

  it("gives a member's session their own today (from the zone's midnight) and month, on every account", async () => {
    const figures = await statuslineFigures(db, { sessionId: 's9', dayStart: DAY_START, monthStart: new Date('2026-11-01T00:00:00Z'), now: NOW });
    // 08:45 (from requests, before the first whole hour) and 10:15 today; plus Nov 3 this month; not Oct 30.
    expect(figures.member).toEqual({
      today: { requests: 2, tokens: 300, costUsd: '0.003000000000', unpricedRequests: 0 },
      month: { requests: 3, tokens: 700, costUsd: '0.007000000000', unpricedRequests: 0 },
    });
    expect((await statuslineFigures(db, { sessionId: 's1', dayStart: DAY_START, now: NOW })).member).toBeNull();
  });

  it('chains ccusage’s blocks from the first request, not from five hours ago', async () => {
    const figures = await statuslineFigures(db, { account: 'api', dayStart: at('00:00:00'), now: NOW });
    expect(figures.session).toBeNull();
    expect(figures.today).toMatchObject({ requests: 6, tokens: 630 });
    expect(figures.block).toEqual({ start: at('11:00:00'), end: at('16:00:00'), source: 'first-request', requests: 2, tokens: 480, costUsd: '0.001920000000', unpricedRequests: 0 });
    expect(figures.utilization).toBeNull();
    // At 16:30 the 11:00 block is over and nothing started since.
    expect((await statuslineFigures(db, { account: 'api', dayStart: at('00:00:00'), now: at('16:30:00') })).block).toBeNull();
  });

  it('takes the latest request’s account when neither a session nor an account is given', async () => {
    const figures = await statuslineFigures(db, { sessionId: 'never-seen', dayStart: DAY_START, now: NOW });
    expect(figures.account).toBe('sub');
    expect(figures.session).toBeNull();
  });

  it('answers the same through the dashboard’s API', async () => {
    const source = createHttpSource({ baseUrl: new URL(dashboard.url), apiKey: KEY });
    for (const query of [{ sessionId: 's1', dayStart: DAY_START, now: NOW }, { account: 'api', dayStart: at('00:00:00'), now: NOW }] satisfies StatuslineQuery[]) {
      expect(await source.statusline(query)).toEqual(await statuslineFigures(db, query));
    }
  });

  it('starts a block after the server’s window at its hour, without the requests the window holds', async () => {
    await writeUsageBatch(db, [
      record('14:10:00', 'sub', { inputTokens: 300, costUsd: '0.001200000000' }),
      record('14:40:00', 'sub', { inputTokens: 600, costUsd: '0.002400000000', sessionId: 's3' }),
    ]);
    const figures = await statuslineFigures(db, { sessionId: 's3', dayStart: DAY_START, now: at('15:00:00') });
    expect(figures.block).toEqual({ start: at('14:00:00'), end: at('19:00:00'), source: 'first-request', requests: 1, tokens: 600, costUsd: '0.002400000000', unpricedRequests: 0 });
  });

  it('is empty, not an error, for an empty ledger', async () => {
    const empty = await backend.create();
    const fresh = await openDatabase({ databaseUrl: empty.url, dataDir: '/nonexistent' });
    try {
      expect(await statuslineFigures(fresh, { dayStart: DAY_START, now: NOW })).toEqual({
        account: null,
        session: null,
        today: { requests: 0, tokens: 0, costUsd: '0', unpricedRequests: 0 },
        block: null,
        utilization: null,
        member: null,
      });
    } finally {
      await fresh.close();
      await empty.drop();
    }
  });
});
