import { describe, expect, it } from 'vitest';
import type { PeriodUsage, SessionModelUsage, UsageTotals } from '../../storage/index.js';
import { createPaint, formatCost, formatModelName } from './format.js';
import { periodJson, sessionJson, totalsJson } from './json.js';
import { periodRows } from './period-report.js';
import { sessionRows } from './session-report.js';
import { renderUsageTable, unpricedNote } from './table.js';

function totals(overrides: Partial<UsageTotals>): UsageTotals {
  return {
    requests: 1, errors: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0,
    cacheReadTokens: 0, webSearchRequests: 0, costUsd: '0', unpricedRequests: 0, ...overrides,
  };
}

const usage: PeriodUsage[] = [
  { period: '2026-11-24', key: 'claude-opus-5-5', ...totals({ requests: 2, inputTokens: 1000, outputTokens: 500, cacheWriteTokens: 100, cacheReadTokens: 2000, costUsd: '0.100000000001' }) },
  { period: '2026-11-24', key: 'claude-mystery-9', ...totals({ inputTokens: 10, outputTokens: 5, unpricedRequests: 1 }) },
  { period: '2026-11-23', key: 'claude-haiku-4-5', ...totals({ inputTokens: 7, costUsd: '0.200000000002' }) },
  // A failed request: no tokens, no cost, so no usage ccusage would show.
  { period: '2026-11-22', key: '', ...totals({ errors: 1 }) },
];

describe('period rows', () => {
  it('groups models under their period, sums exactly, and leaves out periods without usage', () => {
    const rows = periodRows(usage, 'asc');
    expect(rows.map((r) => r.period)).toEqual(['2026-11-23', '2026-11-24']);
    expect(rows[1]).toMatchObject({ inputTokens: 1010, outputTokens: 505, cacheCreationTokens: 100, cacheReadTokens: 2000, requests: 3, unpricedRequests: 1, costPico: 100_000_000_001n });
    // Most expensive model first, as ccusage orders modelBreakdowns.
    expect(rows[1]?.models.map((m) => m.model)).toEqual(['claude-opus-5-5', 'claude-mystery-9']);
    expect(periodRows(usage, 'desc').map((r) => r.period)).toEqual(['2026-11-24', '2026-11-23']);
  });

  it('writes ccusage’s JSON fields, with the priced part as a number and the unpriced requests counted', () => {
    const json = periodJson('weekly', periodRows(usage, 'asc')) as unknown as { weekly: Record<string, unknown>[]; totals: Record<string, unknown> };
    expect(Object.keys(json)).toEqual(['weekly', 'totals']);
    expect(json.weekly[1]).toEqual({
      week: '2026-11-24',
      inputTokens: 1010,
      outputTokens: 505,
      cacheCreationTokens: 100,
      cacheReadTokens: 2000,
      totalTokens: 3615,
      totalCost: 0.100000000001,
      modelsUsed: ['claude-mystery-9', 'claude-opus-5-5'],
      modelBreakdowns: [
        { modelName: 'claude-opus-5-5', inputTokens: 1000, outputTokens: 500, cacheCreationTokens: 100, cacheReadTokens: 2000, cost: 0.100000000001, requests: 2, unpricedRequests: 0 },
        { modelName: 'claude-mystery-9', inputTokens: 10, outputTokens: 5, cacheCreationTokens: 0, cacheReadTokens: 0, cost: 0, requests: 1, unpricedRequests: 1 },
      ],
      requests: 3,
      unpricedRequests: 1,
    });
    expect(json.totals).toEqual({ inputTokens: 1017, outputTokens: 505, cacheCreationTokens: 100, cacheReadTokens: 2000, totalCost: 0.300000000003, totalTokens: 3622, requests: 4, unpricedRequests: 1 });
    expect(totalsJson([])).toMatchObject({ totalCost: 0, totalTokens: 0 });
  });
});

describe('session rows', () => {
  const row = (sessionId: string, model: string, lastAt: string, costUsd: string): SessionModelUsage => ({
    sessionId, model, domain: 'team.example.com', account: 'team', lastAt: new Date(lastAt), ...totals({ inputTokens: 10, costUsd }),
  });

  it('merges a session’s models and orders sessions by last activity, newest first by default', () => {
    const rows = sessionRows([row('a', 'claude-opus-5-5', '2026-11-24T10:00:00Z', '1'), row('b', '', '2026-11-24T12:00:00Z', '2'), row('a', 'claude-haiku-4-5', '2026-11-24T10:00:00Z', '3')], 'desc');
    expect(rows.map((r) => [r.sessionId, r.models.map((m) => m.model), r.costPico])).toEqual([
      ['b', ['unknown'], 2_000_000_000_000n],
      ['a', ['claude-haiku-4-5', 'claude-opus-5-5'], 4_000_000_000_000n],
    ]);
    const json = sessionJson(rows, 'Asia/Tokyo');
    expect(json.sessions[0]).toMatchObject({ sessionId: 'b', lastActivity: '2026-11-24', projectPath: 'team.example.com', totalCost: 2 });
    // 12:00 UTC is 21:00 in Tokyo, still the 24th; 16:00 UTC would be the 25th.
    expect(sessionJson(sessionRows([row('c', 'x', '2026-11-24T16:00:00Z', '0')], 'asc'), 'Asia/Tokyo').sessions[0]?.lastActivity).toBe('2026-11-25');
  });
});

describe('the usage table', () => {
  const rows = periodRows(usage, 'asc').map((r) => ({ ...r, label: r.period }));
  const plain = createPaint(false);

  it('shows ccusage’s columns, a total row, and "unknown" for a cost with no price', () => {
    const text = renderUsageTable({ firstColumn: 'Date', rows, breakdown: true, compact: false, paint: plain });
    const header = text.split('\n')[1] ?? '';
    expect(header.split('│').map((cell) => cell.trim()).filter(Boolean)).toEqual(['Date', 'Models', 'Input', 'Output', 'Cache Create', 'Cache Read', 'Total Tokens', 'Cost (USD)']);
    expect(text).toMatch(/│ 2026-11-24\s+│ - mystery-9 .*│\s+1,010 │\s+505 │\s+100 │\s+2,000 │\s+3,615 │ \$0\.10 \+ unknown │/);
    expect(text).toMatch(/│ {3}└─ mystery-9 .*│ +unknown │/);
    expect(text).toMatch(/│ Total\s+│.*│\s+3,622 │ \$0\.30 \+ unknown │/);
    expect(text).not.toContain('\u001b[');
    expect(unpricedNote(rows)).toMatch(/^unknown: 1 request to models without a price/);
  });

  it('drops the cache and total columns in the compact layout', () => {
    const text = renderUsageTable({ firstColumn: 'Date', rows, breakdown: false, compact: true, paint: plain });
    expect(text.split('\n')[1]?.split('│').map((cell) => cell.trim()).filter(Boolean)).toEqual(['Date', 'Models', 'Input', 'Output', 'Cost (USD)']);
    expect(text).not.toContain('  └─ ');
  });

  it('colours only when asked', () => {
    expect(renderUsageTable({ firstColumn: 'Date', rows, breakdown: false, compact: false, paint: createPaint(true) })).toContain('\u001b[36mDate');
  });
});

describe('formats', () => {
  it('writes costs as ccusage does, and never $0 for an unknown one', () => {
    expect(formatCost({ costPico: 1_234_567_000_000n, unpricedRequests: 0 })).toBe('$1.23');
    expect(formatCost({ costPico: 0n, unpricedRequests: 2 })).toBe('unknown');
    expect(formatCost({ costPico: 0n, unpricedRequests: 0 })).toBe('$0.00');
  });

  it('shortens model names like ccusage', () => {
    expect(formatModelName('claude-sonnet-4-5-20250929')).toBe('sonnet-4-5');
    expect(formatModelName('claude-opus-5-5')).toBe('opus-5-5');
    expect(formatModelName('gpt-x')).toBe('gpt-x');
  });
});
