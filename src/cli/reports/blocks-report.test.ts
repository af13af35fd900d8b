import { describe, expect, it } from 'vitest';
import type { AccountRange, ActivityBounds, HourlyUsage, PlanUtilization, RangeUsage, UsageTotals } from '../../storage/index.js';
import { picoToUsdString, usdStringToPico } from '../../pricing/index.js';
import { toBlocks } from '../../usage/index.js';
import { boundRanges, draftBlocks, finishBlocks, planBlocks, serverResets, type ReportBlock } from './blocks-report.js';
import { renderActiveBlock, renderBlocksTable } from './blocks-render.js';
import { limitStatus, maxBlockTokens, selectBlocks } from './blocks-view.js';
import { createPaint } from './format.js';
import { blocksJson } from './json.js';

interface Raw {
  at: string;
  model: string;
  tokens: number;
  cost: string;
}

const HOUR = 3_600_000;

function totals(tokens: number, costUsd: string, requests = 1): UsageTotals {
  return {
    requests, errors: 0, inputTokens: tokens, outputTokens: 0, cacheWriteTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0,
    cacheReadTokens: 0, webSearchRequests: 0, costUsd, unpricedRequests: 0,
  };
}

/** What the database would answer for these requests: hourly roll-ups, range sums, first and last requests. */
function fakeLedger(raw: readonly Raw[], account = 'team') {
  const add = (into: Map<string, UsageTotals>, key: string, r: Raw): void => {
    const t = into.get(key) ?? totals(0, '0', 0);
    into.set(key, { ...t, requests: t.requests + 1, inputTokens: t.inputTokens + r.tokens, costUsd: picoToUsdString(usdStringToPico(t.costUsd) + usdStringToPico(r.cost)) });
  };
  const byHour = new Map<string, UsageTotals>();
  for (const r of raw) {
    const ms = Date.parse(r.at);
    add(byHour, `${String(ms - (ms % HOUR))}|${r.model}`, r);
  }
  const hours: HourlyUsage[] = [...byHour].map(([key, t]) => {
    const [hour = '0', model = ''] = key.split('|');
    return { account, hour: new Date(Number(hour)), model, ...t };
  }).sort((a, b) => a.hour.getTime() - b.hour.getTime());
  const inRange = (range: AccountRange, r: Raw): boolean => Date.parse(r.at) >= range.start.getTime() && Date.parse(r.at) < range.end.getTime();
  const ranges = (list: readonly AccountRange[]): RangeUsage[] =>
    list.flatMap((range, i) => {
      const byModel = new Map<string, UsageTotals>();
      for (const r of raw) if (inRange(range, r)) add(byModel, r.model, r);
      return [...byModel].map(([model, t]) => ({ range: i, model, ...t }));
    });
  const bounds = (list: readonly AccountRange[]): ActivityBounds[] =>
    list.map((range, i) => {
      const times = raw.filter((r) => inRange(range, r)).map((r) => Date.parse(r.at)).sort((a, b) => a - b);
      const first = times[0];
      const last = times.at(-1);
      return { range: i, firstAt: first === undefined ? null : new Date(first), lastAt: last === undefined ? null : new Date(last) };
    });
  return { hours, ranges, bounds };
}

function build(raw: readonly Raw[], resets: string[], now: string, utilization: PlanUtilization[] = []): ReportBlock[] {
  const ledger = fakeLedger(raw);
  const plan = planBlocks(ledger.hours, resets.map((r) => ({ account: 'team', reset: new Date(r) })));
  const drafts = draftBlocks(plan, ledger.ranges(plan.splits), new Date(now));
  return finishBlocks(drafts, ledger.bounds(boundRanges(drafts)), utilization, new Date(now));
}

const raw = (at: string, tokens = 100, cost = '0.010000000000', model = 'claude-opus-5-5'): Raw => ({ at, model, tokens, cost });

describe('blocks from hourly roll-ups', () => {
  it('follows ccusage’s rule without server resets: a block across midnight, and a gap', () => {
    const blocks = build([raw('2026-11-24T16:05:00Z'), raw('2026-11-24T16:40:00Z', 50), raw('2026-11-24T22:10:00Z'), raw('2026-11-25T01:30:00Z', 300)], [], '2026-11-26T00:00:00Z');
    expect(blocks.map((b) => [b.start.toISOString(), b.end.toISOString(), b.isGap, b.requests, b.inputTokens, b.lastAt?.toISOString() ?? null])).toEqual([
      ['2026-11-24T16:00:00.000Z', '2026-11-24T21:00:00.000Z', false, 2, 150, '2026-11-24T16:40:00.000Z'],
      // Silence of more than 5 hours after 16:40: ccusage's gap runs from 21:40 to the next request.
      ['2026-11-24T21:40:00.000Z', '2026-11-24T22:10:00.000Z', true, 0, 0, null],
      // 22:10 starts a block at 22:00 that runs past midnight and holds the 01:30 request.
      ['2026-11-24T22:00:00.000Z', '2026-11-25T03:00:00.000Z', false, 2, 400, '2026-11-25T01:30:00.000Z'],
    ]);
    expect(blocks[2]?.costPico).toBe(20_000_000_000n);
    expect(blocks.every((b) => !b.isActive)).toBe(true);
  });

  it('splits an hour that a server window starts or ends inside, exactly', () => {
    const reset = '2026-11-24T13:20:00Z'; // window 08:20–13:20
    const plan = planBlocks(fakeLedger([raw('2026-11-24T08:10:00Z'), raw('2026-11-24T13:25:00Z')]).hours, [{ account: 'team', reset: new Date(reset) }]);
    expect(plan.splits.map((s) => [s.start.toISOString(), s.end.toISOString()])).toEqual([
      ['2026-11-24T08:00:00.000Z', '2026-11-24T08:20:00.000Z'],
      ['2026-11-24T13:00:00.000Z', '2026-11-24T13:20:00.000Z'],
    ]);
    const requests = [raw('2026-11-24T08:10:00Z', 1), raw('2026-11-24T08:30:00Z', 2), raw('2026-11-24T13:10:00Z', 4), raw('2026-11-24T13:25:00Z', 8)];
    const blocks = build(requests, [reset], '2026-11-24T13:30:00Z');
    expect(blocks.map((b) => [b.start.toISOString(), b.end.toISOString(), b.source, b.inputTokens, b.isActive])).toEqual([
      ['2026-11-24T08:00:00.000Z', '2026-11-24T08:20:00.000Z', 'first-request', 1, false],
      ['2026-11-24T08:20:00.000Z', '2026-11-24T13:20:00.000Z', 'server', 6, false],
      ['2026-11-24T13:00:00.000Z', '2026-11-24T18:00:00.000Z', 'first-request', 8, true],
    ]);
    expect(blocks[2]?.firstAt?.toISOString()).toBe('2026-11-24T13:25:00.000Z');
  });

  it('gives the same blocks as toBlocks over every raw request', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const start = Date.parse('2026-11-20T00:00:00Z');
    const requests = Array.from({ length: 400 }, () => raw(new Date(start + Math.floor(random() * 5 * 86_400_000)).toISOString(), 1 + Math.floor(random() * 1000), picoToUsdString(BigInt(Math.floor(random() * 1e9)))));
    const resets = ['2026-11-21T10:17:00Z', '2026-11-21T16:00:00Z', '2026-11-23T03:45:30Z'];
    const now = '2026-11-24T20:00:00Z';
    const expected = toBlocks(
      requests.map((r) => ({ at: new Date(r.at), model: r.model, inputTokens: r.tokens, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: r.cost })),
      { now: new Date(now), serverResets: serverResets(resets.map((r) => new Date(r))) },
    );
    const blocks = build(requests, resets, now).filter((b) => !b.isGap);
    expect(blocks.map((b) => [b.start.getTime(), b.end.getTime(), b.source, b.requests, b.inputTokens, picoToUsdString(b.costPico), b.lastAt?.getTime(), b.isActive])).toEqual(
      expected.map((b) => [b.start.getTime(), b.end.getTime(), b.source, b.requests, b.inputTokens, b.costUsd, b.lastAt.getTime(), b.active]),
    );
    expect(blocks.some((b) => b.source === 'server')).toBe(true);
  });

  it('keeps one server window where resets a second apart announce the same one', () => {
    expect(serverResets([new Date('2026-11-24T13:00:01Z'), new Date('2026-11-24T13:00:00Z'), new Date('2026-11-24T18:00:00Z')]).map((d) => d.toISOString())).toEqual([
      '2026-11-24T13:00:00.000Z',
      '2026-11-24T18:00:00.000Z',
    ]);
  });
});

describe('the blocks view', () => {
  const now = '2026-11-24T10:00:00Z';
  const utilization: PlanUtilization = {
    account: 'team', observedAt: new Date('2026-11-24T09:59:00Z'), unifiedStatus: 'allowed', fiveHourUtilization: 0.42,
    fiveHourReset: new Date('2026-11-24T13:00:00Z'), sevenDayUtilization: 0.1, sevenDayReset: null,
  };
  const blocks = build(
    [raw('2026-11-23T01:00:00Z', 5000), raw('2026-11-24T08:00:00Z', 6000, '0.600000000000')],
    ['2026-11-24T13:00:00Z'],
    now,
    [utilization],
  );

  it('projects the active block, with the server’s utilization and a token limit', () => {
    const active = blocks.find((b) => b.isActive);
    // Window 08:00–13:00 from the server; 2 h in, 6,000 tokens: 3,000 an hour for 3 more hours.
    expect(active).toMatchObject({ source: 'server', inputTokens: 6000, utilization: { fiveHourUtilization: 0.42 } });
    const json = blocksJson(selectBlocks(blocks, { timeZone: 'UTC', recent: false, active: true, order: 'asc', now: new Date(now) }), { tokenLimit: 'max', maxTokens: maxBlockTokens(blocks) });
    expect(json.blocks).toHaveLength(1);
    expect(json.blocks[0]).toMatchObject({
      id: '2026-11-24T08:00:00.000Z',
      startTime: '2026-11-24T08:00:00.000Z',
      endTime: '2026-11-24T13:00:00.000Z',
      actualEndTime: '2026-11-24T08:00:00.000Z',
      isActive: true,
      isGap: false,
      entries: 1,
      tokenCounts: { inputTokens: 6000, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
      totalTokens: 6000,
      costUSD: 0.6,
      models: ['claude-opus-5-5'],
      burnRate: { tokensPerMinute: 50, tokensPerMinuteForIndicator: 50, costPerHour: 0.3 },
      projection: { totalTokens: 15_000, totalCost: 1.5, remainingMinutes: 180 },
      // max: the biggest finished block, 5,000 tokens.
      tokenLimitStatus: { limit: 5000, projectedUsage: 15_000, percentUsed: 300, status: 'exceeds' },
      account: 'team',
      source: 'server',
      serverUtilization: { fiveHour: 0.42, status: 'allowed', resetsAt: '2026-11-24T13:00:00.000Z' },
    });
    expect(limitStatus(20_000, 15_000).status).toBe('ok');
    expect(limitStatus(18_000, 15_000).status).toBe('warning');
  });

  it('shows REMAINING and PROJECTED rows under the active block, and the % of the limit', () => {
    const text = renderBlocksTable(blocks, { timeZone: 'UTC', now: new Date(now), compact: false, paint: createPaint(false), tokenLimit: 'max', maxTokens: maxBlockTokens(blocks) });
    expect(text).toMatch(/2026-11-24 08:00 \(2h 0m elapsed, 3h 0m remaining\) │ ACTIVE .*│ +6,000 │ +120\.0% │ +\$0\.60 │ +42\.0% │/);
    expect(text).toMatch(/\(assuming 5,000 token limit\) +│ REMAINING .*│ +0 │ +0\.0% │/);
    expect(text).toMatch(/\(assuming current burn rate\) +│ PROJECTED .*│ +15,000 │ +300\.0% │ +\$1\.50 │/);
    const detail = renderActiveBlock(blocks.find((b) => b.isActive) as ReportBlock, { timeZone: 'Asia/Tokyo', now: new Date(now), compact: false, paint: createPaint(false), tokenLimit: 10_000, maxTokens: new Map() });
    expect(detail).toContain('Block Started: 2026-11-24 17:00 (2h 0m ago)');
    expect(detail).toContain('Projected Usage:  150.0% EXCEEDS LIMIT');
    expect(detail).toContain('5h Utilization:   42.0% (allowed)');
  });

  it('selects by start day in the time zone, and --recent by the last 3 days', () => {
    const base = { recent: false, active: false, order: 'asc' as const, now: new Date(now) };
    // The 01:00 UTC block of the 23rd starts on the 22nd in New York.
    expect(selectBlocks(blocks, { ...base, timeZone: 'America/New_York', until: '2026-11-22' }).map((b) => b.start.toISOString())).toEqual(['2026-11-23T01:00:00.000Z']);
    expect(selectBlocks(blocks, { ...base, timeZone: 'UTC', until: '2026-11-22' })).toHaveLength(0);
    expect(selectBlocks(blocks, { ...base, timeZone: 'UTC', order: 'desc' }).map((b) => b.isGap)).toEqual([false, true, false]);
  });
});
