/** Reading the ledger back: periods in time zones, breakdowns, conversations, plan utilization — on both backends. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversations,
  latestPlanUtilization,
  openDatabase,
  usageBreakdown,
  usageByPeriod,
  usageTotals,
  writeUsageBatch,
  type Database,
  type UsageRecord,
} from '../../src/storage/index.js';
import { BACKENDS, type TestDatabase } from '../support/databases.js';
import { usageRecord } from '../support/usage-records.js';

let sequence = 0;
function record(startedAt: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  sequence += 1;
  return usageRecord({
    id: `req_q_${String(sequence)}`,
    startedAt,
    inputTokens: 100,
    outputTokens: 10,
    cacheReadTokens: 1000,
    costUsd: '0.001000000000',
    priceVersion: 'test',
    ttfbMs: 1,
    durationMs: 2,
    ...overrides,
  });
}

const RECORDS = [
  // Monday 2026-11-23, 03:30 UTC = Sunday 22:30 in New York = Monday 09:00 in Kolkata.
  record('2026-11-23T03:30:00Z', { sessionId: 's1', conversationId: 's1' }),
  record('2026-11-23T03:45:00Z', { sessionId: 's1', conversationId: 's1', agentId: 'a1', model: 'claude-haiku-4-5', costUsd: '0.000250000000' }),
  // Tuesday 2026-11-24, 18:40 UTC = 13:40 New York = Wednesday 00:10 Kolkata.
  record('2026-11-24T18:40:00Z', { account: 'other', domain: 'other.example.com', conversationId: 'chain_abc' }),
  // December, with an unknown price.
  record('2026-12-01T12:00:00Z', { model: 'claude-future-9', costUsd: null, status: 529, errorType: 'overloaded_error' }),
];

describe.each(BACKENDS)('ledger queries on $name', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    testDb = await backend.create();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    await writeUsageBatch(db, RECORDS);
    await writeUsageBatch(db, []);
    await writeUsageBatch(db, [
      record('2026-11-24T10:00:00Z', {
        id: 'req_q_rl',
        account: 'me',
        rateLimit: {
          headers: { 'anthropic-ratelimit-unified-5h-utilization': '0.5' },
          unifiedStatus: 'allowed',
          fiveHourUtilization: 0.5,
          fiveHourReset: '2026-11-24T14:00:00.000Z',
          sevenDayUtilization: 0.25,
          sevenDayReset: '2026-11-30T00:00:00.000Z',
        },
      }),
    ]);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('sums days in UTC', async () => {
    const days = await usageByPeriod(db, { period: 'day', account: 'team' });
    expect(days.map((d) => [d.period, d.requests, d.costUsd])).toEqual([
      ['2026-11-23', 2, '0.001250000000'],
      ['2026-12-01', 1, '0.000000000000'],
    ]);
    expect(days[1]).toMatchObject({ errors: 1, unpricedRequests: 1, inputTokens: 100 });
  });

  it('takes day boundaries in the asked time zone, whole-hour and half-hour offsets alike', async () => {
    const newYork = await usageByPeriod(db, { period: 'day', timeZone: 'America/New_York', until: new Date('2026-11-30T00:00:00Z') });
    expect(newYork.map((d) => [d.period, d.requests])).toEqual([
      ['2026-11-22', 2],
      ['2026-11-24', 2],
    ]);
    const kolkata = await usageByPeriod(db, { period: 'day', timeZone: 'Asia/Kolkata', until: new Date('2026-11-30T00:00:00Z') });
    expect(kolkata.map((d) => [d.period, d.requests])).toEqual([
      ['2026-11-23', 2],
      ['2026-11-24', 1],
      ['2026-11-25', 1],
    ]);
  });

  it('groups weeks from the chosen first day, and months', async () => {
    const mondays = await usageByPeriod(db, { period: 'week', until: new Date('2026-11-30T00:00:00Z') });
    expect(mondays.map((w) => [w.period, w.requests])).toEqual([['2026-11-23', 4]]);
    const sundays = await usageByPeriod(db, { period: 'week', startOfWeek: 0, until: new Date('2026-11-30T00:00:00Z') });
    expect(sundays.map((w) => [w.period, w.requests])).toEqual([['2026-11-22', 4]]);
    const months = await usageByPeriod(db, { period: 'month' });
    expect(months.map((m) => [m.period, m.requests])).toEqual([
      ['2026-11', 4],
      ['2026-12', 1],
    ]);
  });

  it('breaks periods and totals down by model, domain and account', async () => {
    const byModel = await usageByPeriod(db, { period: 'month', by: 'model', since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z') });
    expect(byModel.map((m) => [m.period, m.key, m.requests])).toEqual([
      ['2026-11', 'claude-haiku-4-5', 1],
      ['2026-11', 'claude-opus-5-5', 3],
    ]);
    const accounts = await usageBreakdown(db, { by: 'account' });
    expect(accounts.map((a) => [a.key, a.requests])).toEqual([
      ['team', 3],
      ['me', 1],
      ['other', 1],
    ]);
    const totals = await usageTotals(db, { model: 'claude-opus-5-5' });
    expect(totals).toMatchObject({ requests: 3, costUsd: '0.003000000000', cacheReadTokens: 3000 });
  });

  it('lists conversations with their requests, models and subagents', async () => {
    const found = await conversations(db, {});
    expect(found.map((c) => [c.conversationId, c.requests, c.models, c.agents])).toEqual([
      ['chain_abc', 1, ['claude-opus-5-5'], 0],
      ['s1', 2, ['claude-haiku-4-5', 'claude-opus-5-5'], 1],
    ]);
    expect(found[1]).toMatchObject({ sessionId: 's1', costUsd: '0.001250000000' });
  });

  it('reports the server’s latest plan utilization per account', async () => {
    const plans = await latestPlanUtilization(db);
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ account: 'me', fiveHourUtilization: 0.5, sevenDayUtilization: 0.25, unifiedStatus: 'allowed' });
    expect(plans[0]?.fiveHourReset?.toISOString()).toBe('2026-11-24T14:00:00.000Z');
  });

  it('refuses an unknown time zone before it reaches SQL', async () => {
    await expect(usageByPeriod(db, { period: 'day', timeZone: "Mars/Olympus'; DROP TABLE requests;--" })).rejects.toThrow(/Unknown time zone/);
  });
});
