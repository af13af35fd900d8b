import { describe, expect, it } from 'vitest';
import type { PlanUtilization } from '../../storage/index.js';
import type { ReportBlock } from '../reports/index.js';
import { monitorData } from './monitor-data.js';
import { bar, formatCountdown, shareStyle } from './monitor-format.js';
import { plainLines } from './monitor-plain.js';
import { fit, lineText, paceAtReset, renderMonitor, type Line, type MonitorState } from './monitor-render.js';
import { planLimit } from './plans.js';

const NOW = new Date('2026-11-24T12:00:05Z');
const START = new Date('2026-11-24T10:00:00Z');
const END = new Date('2026-11-24T15:00:00Z');

// 120 minutes into the block: 60,000 tokens → 500 tokens/min; $1.80 → $0.90/h; 3 h left →
// 60,000 + 500 × 180 = 150,000 tokens and $1.80 + $0.90 × 3 = $4.50 projected.
function block(overrides: Partial<ReportBlock> = {}): ReportBlock {
  const opus = { model: 'claude-opus-5-5', inputTokens: 30_000, outputTokens: 15_000, cacheCreationTokens: 0, cacheReadTokens: 0, requests: 3, unpricedRequests: 0, costPico: 1_500_000_000_000n };
  const haiku = { model: 'claude-haiku-4-5', inputTokens: 10_000, outputTokens: 5_000, cacheCreationTokens: 0, cacheReadTokens: 0, requests: 1, unpricedRequests: 0, costPico: 300_000_000_000n };
  return {
    account: 'team',
    start: START,
    end: END,
    firstAt: START,
    lastAt: NOW,
    isActive: true,
    isGap: false,
    source: 'server',
    inputTokens: 40_000,
    outputTokens: 20_000,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    requests: 4,
    unpricedRequests: 0,
    costPico: 1_800_000_000_000n,
    models: [opus, haiku],
    burnRate: { tokensPerMinute: 500, usdPerHour: 0.9, projectedTokens: 150_000, projectedUsd: 4.5, remainingMs: 3 * 3_600_000 - 5000 },
    utilization: null,
    ...overrides,
  };
}

function utilization(fiveHour: number, sevenDay = 0.1): PlanUtilization {
  return {
    account: 'team',
    observedAt: new Date('2026-11-24T12:00:00Z'),
    unifiedStatus: 'allowed',
    fiveHourUtilization: fiveHour,
    fiveHourReset: END,
    sevenDayUtilization: sevenDay,
    sevenDayReset: new Date('2026-11-27T09:00:00Z'),
  };
}

function state(overrides: Partial<MonitorState> = {}): MonitorState {
  return {
    now: NOW,
    timeZone: 'UTC',
    plan: undefined,
    refreshSeconds: 5,
    account: undefined,
    source: 'PostgreSQL at db:5432/nexus',
    data: { loadedAt: NOW, active: [{ account: 'team', block: block(), utilization: utilization(0.42) }], idle: [] },
    error: null,
    ...overrides,
  };
}

const text = (lines: Line[]) => lines.map(lineText);
const find = (lines: Line[], start: string): Line => lines.find((l) => lineText(l).trimStart().startsWith(start)) ?? [];
const styleOf = (line: Line, piece: string) => line.find((s) => s.text.includes(piece))?.style;

describe('renderMonitor', () => {
  it('fills the screen exactly, no line wider than it', () => {
    for (const [width, height] of [[120, 40], [80, 30], [40, 12]] as const) {
      const lines = renderMonitor(state({ plan: planLimit('max5', undefined) }), { width, height });
      expect(lines).toHaveLength(height);
      for (const line of text(lines)) expect(Array.from(line).length).toBeLessThanOrEqual(width);
      expect(text(lines)[0]).toContain('Claude Nexus');
      expect(text(lines).at(-1)).toContain('q quit');
    }
  });

  it('shows the block’s usage, burn rate, projection and time to reset', () => {
    const lines = text(renderMonitor(state(), { width: 120, height: 40 }));
    expect(lines[0]).toMatch(/2026-11-24 12:00:05 UTC $/);
    expect(lines).toContainEqual(expect.stringMatching(/^ team {2}block 10:00–15:00 \(server window\) {2}resets in 2h 59m 55s$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Used +60,000 tokens +\$1\.80 +4 requests$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Burn rate +500 tokens\/min +\$0\.90\/h$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Projected +150,000 tokens +\$4\.50 by 15:00$/));
    expect(lines.at(-1)).toBe(' q quit · data read 12:00:05, every 5s · PostgreSQL at db:5432/nexus');
  });

  it('shows the server’s 5 h and 7 d utilization with their resets, and the pace to the reset', () => {
    const lines = renderMonitor(state(), { width: 120, height: 40 });
    // Observed 2 h into the window at 42%: 42% × 5/2 = 105% at this pace.
    expect(lineText(find(lines, '5h (server)'))).toMatch(/ 42\.0% {2}≈105\.0% at reset {2}resets 15:00$/);
    expect(styleOf(find(lines, '5h (server)'), '≈105.0%')).toBe('red');
    expect(lineText(find(lines, '7d (server)'))).toMatch(/ 10\.0% {2}resets 2026-11-27 09:00 \(in 2d 20h\)$/);
    expect(paceAtReset(0.5, new Date(END.getTime() - 5 * 3_600_000 + 30_000), END)).toBeNull();
  });

  it('turns a bar yellow at 70% and red at 90%', () => {
    const styleAt = (share: number) => styleOf(find(renderMonitor(state({ data: { loadedAt: NOW, active: [{ account: 'team', block: block(), utilization: utilization(share) }], idle: [] } }), { width: 120, height: 40 }), '5h (server)'), '█');
    expect(styleAt(0.69)).toBe('green');
    expect(styleAt(0.7)).toBe('yellow');
    expect(styleAt(0.89)).toBe('yellow');
    expect(styleAt(0.9)).toBe('red');
    expect([shareStyle(0.699), shareStyle(0.7), shareStyle(0.9)]).toEqual(['green', 'yellow', 'red']);
  });

  it('hides a server figure whose window already reset', () => {
    const old = { ...utilization(0.8), fiveHourReset: new Date('2026-11-24T11:00:00Z') };
    const lines = text(renderMonitor(state({ data: { loadedAt: NOW, active: [{ account: 'team', block: block(), utilization: old }], idle: [] } }), { width: 120, height: 40 }));
    expect(lines.some((l) => l.includes('5h (server)'))).toBe(false);
    expect(lines.some((l) => l.includes('7d (server)'))).toBe(true);
  });

  it('measures the block against --plan: tokens, projection, the time the limit is reached, cost', () => {
    const lines = renderMonitor(state({ plan: planLimit('pro', undefined) }), { width: 120, height: 40 });
    // 60,000 of 44,000 is already over: no "limit at" for a limit already passed.
    expect(lineText(find(lines, 'Plan pro'))).toMatch(/136\.4% of 44,000 tokens · 340\.9% projected$/);
    expect(styleOf(find(lines, 'Plan pro'), '136.4%')).toBe('red');
    expect(lineText(find(lines, 'Plan cost'))).toMatch(/ 10\.0% of \$18\.00$/);
    // max20: 60,000 of 220,000 (27.3%), 150,000 projected (68.2%): no limit reached in this block.
    expect(lineText(find(renderMonitor(state({ plan: planLimit('max20', undefined) }), { width: 120, height: 40 }), 'Plan max20'))).toMatch(/ 27\.3% of 220,000 tokens · 68\.2% projected$/);
    // custom 100,000: 40,000 left at 500/min → 80 min → 13:20, before the block ends at 15:00.
    const custom = renderMonitor(state({ plan: planLimit('custom', 100_000) }), { width: 120, height: 40 });
    expect(lineText(find(custom, 'Plan custom'))).toMatch(/ 60\.0% of 100,000 tokens · 150\.0% projected, limit at 13:20$/);
    expect(text(custom).some((l) => l.includes('Plan cost'))).toBe(false);
  });

  it('says the limit is unknown without server figures or --plan', () => {
    const lines = text(renderMonitor(state({ data: { loadedAt: NOW, active: [{ account: 'team', block: block(), utilization: null }], idle: [] } }), { width: 120, height: 40 }));
    expect(lines).toContainEqual(expect.stringContaining('Limit       unknown: no rate-limit headers on record'));
  });

  it('shows each model’s share of tokens and cost', () => {
    const lines = text(renderMonitor(state(), { width: 120, height: 40 }));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Models +opus-5-5 +[█░]+ +75\.0% of tokens +83\.3% of cost$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {14}haiku-4-5 +[█░]+ +25\.0% of tokens +16\.7% of cost$/));
  });

  it('shows a failing source and keeps the last figures on screen', () => {
    const lines = text(renderMonitor(state({ error: 'connect ECONNREFUSED 127.0.0.1:5432' }), { width: 160, height: 40 }));
    expect(lines.at(-2)).toBe(' data source unavailable, retrying every 5s (showing the figures read at 12:00:05): connect ECONNREFUSED 127.0.0.1:5432');
    expect(lines.some((l) => l.includes('60,000 tokens'))).toBe(true);
    const none = text(renderMonitor(state({ data: null, error: 'database "x" does not exist' }), { width: 100, height: 10 }));
    expect(none).toContain(' No figures yet.');
    expect(none.at(-2)).toContain('retrying every 5s: database "x" does not exist');
  });

  it('lists the accounts that do not fit, and says when no block is active', () => {
    const many = ['a', 'b', 'c'].map((account) => ({ account, block: block({ account }), utilization: null }));
    const lines = text(renderMonitor(state({ data: { loadedAt: NOW, active: many, idle: [] } }), { width: 160, height: 14 }));
    expect(lines).toContainEqual(' … 2 more active account(s): b, c (a taller window or --account shows them)');
    const idle = text(renderMonitor(state({ account: 'x', data: { loadedAt: NOW, active: [], idle: ['x'] } }), { width: 100, height: 10 }));
    expect(idle).toContain(' No active 5-hour block for account x. Idle: x.');
  });

  it('cuts a line with an ellipsis', () => {
    expect(lineText(fit([{ text: 'abc' }, { text: 'defgh', style: 'red' }], 6))).toBe('abcde…');
    expect(fit([{ text: 'abc' }], 3)).toEqual([{ text: 'abc' }]);
  });
});

describe('plainLines', () => {
  it('prints one key=value line per active account, without escape codes', () => {
    expect(plainLines(state({ plan: planLimit('max5', undefined) }))).toEqual([
      '2026-11-24T12:00:05Z account=team block=2026-11-24T10:00:00Z/2026-11-24T15:00:00Z tokens=60000 cost=$1.80 burn=500/min burn_cost=$0.90/h projected=150000 5h=42.0% 7d=10.0% plan=max5:68.2% reset=2026-11-24T15:00:00Z',
    ]);
    expect(plainLines(state({ error: 'down' }))).toEqual(['2026-11-24T12:00:05Z error="data source unavailable, retrying every 5s: down"']);
    expect(plainLines(state({ data: { loadedAt: NOW, active: [], idle: ['team'] } }))).toEqual(['2026-11-24T12:00:05Z block=none']);
  });
});

describe('monitor formats and data', () => {
  it('counts down, and draws bars capped at full', () => {
    expect(formatCountdown(3_723_000)).toBe('1h 02m 03s');
    expect(formatCountdown(-5)).toBe('0h 00m 00s');
    expect(formatCountdown(3 * 86_400_000 + 7_200_000)).toBe('3d 2h');
    expect(bar(0.5, 4)).toBe('██░░');
    expect(bar(1.7, 4)).toBe('████');
  });

  it('picks each account’s active block and its utilization', () => {
    const finished = block({ account: 'old', isActive: false, burnRate: null });
    const data = monitorData([finished, block({ account: 'team' })], [utilization(0.3)], NOW);
    expect(data.active.map((a) => [a.account, a.utilization?.fiveHourUtilization])).toEqual([['team', 0.3]]);
    expect(data.idle).toEqual(['old']);
  });
});
