/**
 * `nexus daily | weekly | monthly | session | blocks` over a real PostgreSQL ledger, run as the built
 * bin. Requests are written with chosen timestamps so days, weeks and blocks can be checked against
 * figures worked out by hand; bad input gets one line and exit code 2.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, writeUsageBatch } from '../../src/storage/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { nexusJson, runNexus } from '../support/nexus-reports.js';
import { usageRecord } from '../support/usage-records.js';

let testDb: TestDatabase;
let cwd: string;
let env: Record<string, string>;
/** A port nothing listens on (taken from the OS, then let go). */
let closedPort: number;

// Sunday 2025-11-23 … Tuesday 2025-11-25 (UTC). Costs as the recorder would have priced them:
// opus-5-5 per MTok input 4, output 20, cache read 0.2; haiku-4-5 input 1, output 5.
const REQUESTS = [
  // r1: 1000×4 + 500×20 = 14,000 µ$
  { startedAt: '2025-11-23T23:30:00.000Z', model: 'claude-opus-5-5', inputTokens: 1000, outputTokens: 500, costUsd: '0.014000000000', sessionId: 'sess-aaaa-1111' },
  // r2: 2000×1 + 1000×5 = 7,000 µ$
  { startedAt: '2025-11-24T02:00:00.000Z', model: 'claude-haiku-4-5', inputTokens: 2000, outputTokens: 1000, costUsd: '0.007000000000', sessionId: 'sess-aaaa-1111' },
  // r3: 100×4 + 100×20 + 10,000×0.2 = 4,400 µ$
  { startedAt: '2025-11-24T16:00:00.000Z', model: 'claude-opus-5-5', inputTokens: 100, outputTokens: 100, cacheReadTokens: 10_000, costUsd: '0.004400000000', sessionId: 'sess-bbbb-2222' },
  // r4: a model without a price: its cost is unknown, never $0
  { startedAt: '2025-11-24T22:10:00.000Z', model: 'claude-mystery-9', inputTokens: 300, outputTokens: 30, costUsd: null, sessionId: 'sess-bbbb-2222' },
  // r5: 50×4 + 10×20 = 400 µ$
  { startedAt: '2025-11-25T01:30:00.000Z', model: 'claude-opus-5-5', inputTokens: 50, outputTokens: 10, costUsd: '0.000400000000', sessionId: 'sess-bbbb-2222' },
];

beforeAll(async () => {
  testDb = await createPostgresDatabase();
  const db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
  await writeUsageBatch(
    db,
    REQUESTS.map((r) => usageRecord({ ...r, conversationId: r.sessionId, account: 'team', domain: 'team.example.com' })).concat(
      // Another domain's failed request: no tokens, so in no report.
      usageRecord({ startedAt: '2025-11-24T03:00:00.000Z', domain: 'other.example.com', account: 'other', status: 529, outcome: 'completed', errorType: 'overloaded_error' }),
    ),
  );
  await db.close();
  cwd = await mkdtemp(join(tmpdir(), 'nexus-reports-'));
  env = { DATABASE_URL: testDb.url };
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => { resolve(); }));
});

afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
  await testDb.drop();
});

interface PeriodEntry {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number;
  modelsUsed: string[];
  modelBreakdowns: { modelName: string; inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number; cost: number }[];
  unpricedRequests: number;
}

type Daily = { daily: (PeriodEntry & { date: string })[]; totals: Record<string, number> };
const days = (report: Daily) => report.daily.map((d) => [d.date, d.totalTokens, d.totalCost, d.unpricedRequests]);

describe('nexus daily', () => {
  it('sums each UTC day, with ccusage’s JSON fields and types', async () => {
    const report = await nexusJson<Daily>(['daily', '--timezone', 'UTC'], env, { cwd });
    expect(Object.keys(report)).toEqual(['daily', 'totals']);
    // 23rd: r1; 24th: r2 + r3 + r4 (r4's cost unknown); 25th: r5.
    expect(days(report)).toEqual([
      ['2025-11-23', 1500, 0.014, 0],
      ['2025-11-24', 3000 + 10_200 + 330, 0.0114, 1],
      ['2025-11-25', 60, 0.0004, 0],
    ]);
    const day = report.daily[1];
    expect(day).toMatchObject({ date: '2025-11-24', inputTokens: 2400, outputTokens: 1130, cacheCreationTokens: 0, cacheReadTokens: 10_000, modelsUsed: ['claude-haiku-4-5', 'claude-mystery-9', 'claude-opus-5-5'] });
    expect(day?.modelBreakdowns.map((m) => [m.modelName, m.cost])).toEqual([
      ['claude-haiku-4-5', 0.007],
      ['claude-opus-5-5', 0.0044],
      ['claude-mystery-9', 0],
    ]);
    for (const entry of report.daily) {
      for (const field of ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens', 'totalCost'] as const) expect(typeof entry[field]).toBe('number');
      expect(Array.isArray(entry.modelsUsed)).toBe(true);
      for (const m of entry.modelBreakdowns) expect(Object.keys(m)).toEqual(expect.arrayContaining(['modelName', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'cost']));
    }
    // requests: the five, plus the other domain's failed request to opus-5-5 on the 24th (counted, no tokens).
    expect(report.totals).toEqual({ inputTokens: 3450, outputTokens: 1640, cacheCreationTokens: 0, cacheReadTokens: 10_000, totalCost: 0.0258, totalTokens: 15_090, requests: 6, unpricedRequests: 1 });
  });

  it.each([
    // Tokyo (+9): r1 08:30 and r2 11:00 on the 24th; r3 01:00, r4 07:10, r5 10:30 on the 25th.
    ['Asia/Tokyo', [['2025-11-24', 4500, 0.021, 0], ['2025-11-25', 10_590, 0.0048, 1]]],
    // New York (−5): r1 18:30 and r2 21:00 on the 23rd; r3, r4, r5 on the 24th.
    ['America/New_York', [['2025-11-23', 4500, 0.021, 0], ['2025-11-24', 10_590, 0.0048, 1]]],
    // Kolkata (+5:30, read from raw requests): r1, r2, r3 on the 24th; r4 03:40 and r5 07:00 on the 25th.
    ['Asia/Kolkata', [['2025-11-24', 14_700, 0.0254, 0], ['2025-11-25', 390, 0.0004, 1]]],
  ])('puts 23:30 UTC on the day it is in %s', async (zone, expected) => {
    expect(days(await nexusJson<Daily>(['daily', '--timezone', zone], env, { cwd }))).toEqual(expected);
  });

  it('reads --since/--until as days in the zone, until inclusive, and --order desc', async () => {
    expect(days(await nexusJson<Daily>(['daily', '-z', 'UTC', '--since', '20251124', '--until', '2025-11-24'], env, { cwd })).map((d) => d[0])).toEqual(['2025-11-24']);
    expect(days(await nexusJson<Daily>(['daily', '-z', 'UTC', '--since', '20251124', '--order', 'desc'], env, { cwd })).map((d) => d[0])).toEqual(['2025-11-25', '2025-11-24']);
    const tokyo = await nexusJson<Daily>(['daily', '-z', 'Asia/Tokyo', '--until', '20251124'], env, { cwd });
    expect(days(tokyo)).toEqual([['2025-11-24', 4500, 0.021, 0]]);
  });

  it('filters by model and by domain (or --project)', async () => {
    expect(days(await nexusJson<Daily>(['daily', '-z', 'UTC', '--model', 'claude-haiku-4-5'], env, { cwd }))).toEqual([['2025-11-24', 3000, 0.007, 0]]);
    expect((await nexusJson<Daily>(['daily', '-z', 'UTC', '--project', 'other.example.com'], env, { cwd })).daily).toEqual([]);
  });

  it('prints a table with "unknown" for the unpriced cost, per-model rows, and a total', async () => {
    const run = await runNexus(['daily', '-z', 'UTC', '--breakdown'], { ...env, COLUMNS: '160' }, { cwd });
    expect(run.code).toBe(0);
    const line = (label: string) => run.stdout.split('\n').find((l) => l.startsWith(`│ ${label}`)) ?? '';
    expect(line('2025-11-24').split('│').map((c) => c.trim())).toEqual(['', '2025-11-24', '- haiku-4-5', '2,400', '1,130', '0', '10,000', '13,530', '$0.01 + unknown', '']);
    expect(line('  └─ mystery-9').split('│').map((c) => c.trim())).toEqual(['', '└─ mystery-9', '', '300', '30', '0', '0', '330', 'unknown', '']);
    expect(line('Total').split('│').map((c) => c.trim())).toEqual(['', 'Total', '', '3,450', '1,640', '0', '10,000', '15,090', '$0.03 + unknown', '']);
    expect(run.stdout).toContain('unknown: 1 request to models without a price yet');
    // Not a terminal: no escape codes.
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('uses the narrow layout under 100 columns', async () => {
    const run = await runNexus(['daily', '-z', 'UTC'], { ...env, COLUMNS: '80' }, { cwd });
    const header = run.stdout.split('\n').find((l) => l.startsWith('│ Date')) ?? '';
    expect(header.split('│').map((c) => c.trim()).filter(Boolean)).toEqual(['Date', 'Models', 'Input', 'Output', 'Cost (USD)']);
  });
});

describe('nexus weekly and monthly', () => {
  type Weekly = { weekly: { week: string; totalTokens: number }[] };
  it('starts weeks on Sunday like ccusage, or on the day given', async () => {
    // 2025-11-23 is a Sunday: the whole run is one week from Sunday, two from Monday.
    expect((await nexusJson<Weekly>(['weekly', '-z', 'UTC'], env, { cwd })).weekly.map((w) => [w.week, w.totalTokens])).toEqual([['2025-11-23', 15_090]]);
    expect((await nexusJson<Weekly>(['weekly', '-z', 'UTC', '--start-of-week', 'monday'], env, { cwd })).weekly.map((w) => [w.week, w.totalTokens])).toEqual([
      ['2025-11-17', 1500],
      ['2025-11-24', 13_590],
    ]);
  });

  it('sums the month', async () => {
    const monthly = await nexusJson<{ monthly: { month: string; totalCost: number }[] }>(['monthly', '-z', 'UTC'], env, { cwd });
    expect(monthly.monthly).toMatchObject([{ month: '2025-11', totalCost: 0.0258 }]);
  });
});

describe('nexus session', () => {
  type Sessions = { sessions: { sessionId: string; totalTokens: number; totalCost: number; lastActivity: string; projectPath: string; modelsUsed: string[]; unpricedRequests: number }[] };
  it('lists sessions newest first with their last activity day in the zone', async () => {
    const report = await nexusJson<Sessions>(['session', '-z', 'Asia/Tokyo'], env, { cwd });
    expect(report.sessions.map((s) => [s.sessionId, s.totalTokens, s.totalCost, s.lastActivity, s.unpricedRequests])).toEqual([
      ['sess-bbbb-2222', 10_590, 0.0048, '2025-11-25', 1],
      ['sess-aaaa-1111', 4500, 0.021, '2025-11-24', 0],
    ]);
    expect(report.sessions[0]).toMatchObject({ projectPath: 'team.example.com', modelsUsed: ['claude-mystery-9', 'claude-opus-5-5'] });
  });

  it('filters to one session, and by last activity with --since', async () => {
    expect((await nexusJson<Sessions>(['session', '-z', 'UTC', '--session', 'sess-aaaa-1111'], env, { cwd })).sessions.map((s) => s.sessionId)).toEqual(['sess-aaaa-1111']);
    // sess-aaaa's last request is 02:00 on the 24th (UTC): before the 25th.
    expect((await nexusJson<Sessions>(['session', '-z', 'UTC', '--since', '20251125'], env, { cwd })).sessions.map((s) => s.sessionId)).toEqual(['sess-bbbb-2222']);
    const table = await runNexus(['session', '-z', 'UTC'], { ...env, COLUMNS: '160' }, { cwd });
    expect(table.stdout).toMatch(/│ bbbb-2222 .*│ \$0\.00 \+ unknown │ 2025-11-25 +│/);
  });
});

describe('nexus blocks', () => {
  type Blocks = { blocks: { id: string; startTime: string; endTime: string; actualEndTime: string | null; isActive: boolean; isGap: boolean; entries: number; totalTokens: number; costUSD: number; models: string[] }[] };
  it('makes ccusage’s 5-hour blocks, one across midnight, with gaps between', async () => {
    const report = await nexusJson<Blocks>(['blocks', '-z', 'UTC'], env, { cwd });
    expect(report.blocks.map((b) => [b.id, b.endTime, b.actualEndTime, b.isGap, b.entries, b.totalTokens, b.costUSD])).toEqual([
      ['2025-11-23T23:00:00.000Z', '2025-11-24T04:00:00.000Z', '2025-11-24T02:00:00.000Z', false, 2, 4500, 0.021],
      ['gap-2025-11-24T07:00:00.000Z', '2025-11-24T16:00:00.000Z', null, true, 0, 0, 0],
      ['2025-11-24T16:00:00.000Z', '2025-11-24T21:00:00.000Z', '2025-11-24T16:00:00.000Z', false, 1, 10_200, 0.0044],
      ['gap-2025-11-24T21:00:00.000Z', '2025-11-24T22:10:00.000Z', null, true, 0, 0, 0],
      // 22:00 to 03:00 the next day: r4 (unpriced) and r5.
      ['2025-11-24T22:00:00.000Z', '2025-11-25T03:00:00.000Z', '2025-11-25T01:30:00.000Z', false, 2, 390, 0.0004],
    ]);
    expect(report.blocks.every((b) => !b.isActive)).toBe(true);
  });

  it('shows % of --token-limit in the table, and "unknown" where the cost is', async () => {
    const run = await runNexus(['blocks', '-z', 'UTC', '--token-limit', '9000'], { ...env, COLUMNS: '160' }, { cwd });
    expect(run.stdout).toMatch(/│ 2025-11-24 16:00 \(0h 0m\) .*│ +10,200 │ +113\.3% │ +\$0\.00 │/);
    expect(run.stdout).toMatch(/│ 2025-11-24 22:00 \(3h 30m\) .*│ +390 │ +4\.3% │ \$0\.00 \+ unknown │/);
    const active = await runNexus(['blocks', '--active'], env, { cwd });
    expect(active.stdout.trim()).toBe('No active session block found.');
  });
});

describe('bad input: one line naming the problem, exit code 2', () => {
  it.each([
    ['an unknown flag', ['daily', '--frobnicate'], {}, /Unknown option '--frobnicate'/],
    ['a bad date', ['daily', '--since', '2025-13-45'], {}, /--since must be a date as YYYYMMDD or YYYY-MM-DD, got "2025-13-45"/],
    ['an unknown time zone', ['weekly', '--timezone', 'Mars/Olympus'], {}, /unknown time zone "Mars\/Olympus"/],
    ['an unreadable database', ['monthly'], { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nothing' }, /Cannot read the usage ledger in PostgreSQL at 127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/],
    ['an unreachable --url', ['session', '--url', 'http://127.0.0.1:CLOSED', '--api-key', 'k'], {}, /cannot reach the dashboard at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/],
    ['a --url that is no URL', ['blocks', '--url', 'dashboard:3001', '--api-key', 'k'], {}, /--url must be the dashboard's http\(s\) address/],
    ['a --url without a key', ['blocks', '--url', 'http://127.0.0.1:1'], {}, /no key for the dashboard at http:\/\/127\.0\.0\.1:1/],
    ['a bad token limit', ['blocks', '--token-limit', 'lots'], {}, /--token-limit must be a positive whole number/],
  ])('%s', async (_what, args, extraEnv, message) => {
    const run = await runNexus(args.map((arg) => arg.replace('CLOSED', String(closedPort))), { ...env, ...extraEnv }, { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('prints --help for every report, exit code 0', async () => {
    for (const command of ['daily', 'weekly', 'monthly', 'session', 'blocks']) {
      const run = await runNexus([command, '--help'], {}, { cwd });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: nexus ${command} [options]`);
      expect(run.stdout).toContain('--timezone');
    }
    expect((await runNexus(['--help'], {}, { cwd })).stdout).toMatch(/daily .*ccusage daily/);
  });
});
