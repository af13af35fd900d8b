import { describe, expect, it } from 'vitest';
import type { StatuslineFigures } from '../../storage/index.js';
import { createPaint } from '../reports/index.js';
import { EMPTY_INPUT, parseStatuslineInput } from './statusline-input.js';
import { fallbackText, statuslineText } from './statusline-line.js';

const NOW = new Date('2026-11-24T12:00:00Z');

// The shape Claude Code 2.1 pipes to a statusLine command (trimmed).
const CLAUDE_CODE_JSON = JSON.stringify({
  session_id: 'sess-1',
  transcript_path: '/home/me/.claude/projects/x/sess-1.jsonl',
  cwd: '/work/x',
  model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
  workspace: { current_dir: '/work/x', project_dir: '/work/x', added_dirs: [] },
  version: '2.1.330',
  output_style: { name: 'default' },
  cost: { total_cost_usd: 0.42, total_duration_ms: 1000, total_api_duration_ms: 800, total_lines_added: 1, total_lines_removed: 0 },
  rate_limits: { five_hour: { used_percentage: 23.5, resets_at: 1_796_010_000 }, seven_day: { used_percentage: 41.2, resets_at: 1_796_400_000 } },
});

const UTILIZATION: NonNullable<StatuslineFigures['utilization']> = {
  observedAt: NOW,
  unifiedStatus: 'allowed',
  fiveHourUtilization: 0.42,
  fiveHourReset: new Date('2026-11-24T14:13:30Z'),
  sevenDayUtilization: 0.1,
  sevenDayReset: new Date('2026-11-27T00:00:00Z'),
};

function figures(overrides: Partial<StatuslineFigures> = {}): StatuslineFigures {
  return {
    account: 'team',
    session: { requests: 3, tokens: 1000, costUsd: '0.421000000000', unpricedRequests: 0 },
    today: { requests: 9, tokens: 5000, costUsd: '3.104000000000', unpricedRequests: 0 },
    block: { start: new Date('2026-11-24T10:00:00Z'), end: new Date('2026-11-24T14:13:30Z'), source: 'server', requests: 5, tokens: 3000, costUsd: '1.2', unpricedRequests: 0 },
    utilization: UTILIZATION,
    member: null,
    ...overrides,
  };
}

const plain = createPaint(false);

describe('the statusLine JSON', () => {
  it('takes the session id, the model’s display name and the rate limits', () => {
    expect(parseStatuslineInput(CLAUDE_CODE_JSON)).toEqual({
      sessionId: 'sess-1',
      model: 'Opus 5.5',
      fiveHour: { share: expect.closeTo(0.235, 9) as number, resetsAt: new Date(1_796_010_000_000) },
      sevenDay: { share: expect.closeTo(0.412, 9) as number, resetsAt: new Date(1_796_400_000_000) },
    });
    expect(parseStatuslineInput('{"model":{"id":"claude-haiku-4-5"}}')?.model).toBe('claude-haiku-4-5');
  });

  it.each([['not json'], ['[1,2]'], ['null'], ['"text"'], ['{"session_id":']])('reads %j as unreadable', (raw) => {
    expect(parseStatuslineInput(raw)).toBeNull();
  });

  it('reads no input at all as an empty input', () => {
    expect(parseStatuslineInput(' \n')).toEqual(EMPTY_INPUT);
  });

  it('drops a malformed field and keeps the rest', () => {
    expect(parseStatuslineInput('{"session_id":42,"model":{"display_name":"Sonnet"},"rate_limits":{"five_hour":{"used_percentage":"lots"}}}')).toEqual({
      sessionId: null,
      model: 'Sonnet',
      fiveHour: null,
      sevenDay: null,
    });
  });
});

describe('the status line', () => {
  const input = parseStatuslineInput(CLAUDE_CODE_JSON) ?? EMPTY_INPUT;

  it('shows model, session, today, block and plan use', () => {
    expect(statuslineText({ input, figures: figures(), now: NOW, paint: plain, showAccount: false })).toBe('Opus 5.5 · session $0.42 · today $3.10 · block $1.20, 2h13m left · 5h 42% · 7d 10%');
    // A member's session: their own today and month, whatever key or project.
    const member = { today: { requests: 4, tokens: 900, costUsd: '1.050000000000', unpricedRequests: 0 }, month: { requests: 90, tokens: 9e5, costUsd: '31.200000000000', unpricedRequests: 0 } };
    expect(statuslineText({ input, figures: figures({ member }), now: NOW, paint: plain, showAccount: false })).toBe(
      'Opus 5.5 · session $0.42 · today $3.10 · you $1.05 today, $31.20 this month · block $1.20, 2h13m left · 5h 42% · 7d 10%',
    );
  });

  it('marks an unknown cost, a session not in the ledger, and a guessed account', () => {
    const line = statuslineText({ input, figures: figures({ session: null, today: { requests: 2, tokens: 9, costUsd: '0', unpricedRequests: 2 }, block: null }), now: NOW, paint: plain, showAccount: true });
    expect(line).toBe('Opus 5.5 · session - · today unknown · 5h 42% · 7d 10% · acct team');
  });

  it('falls back to Claude Code’s own rate limits, and drops a window that already reset', () => {
    const line = statuslineText({ input, figures: figures({ utilization: null }), now: NOW, paint: plain, showAccount: false });
    expect(line).toMatch(/ · 5h 24% · 7d 41%$/);
    const reset = figures({ utilization: { ...UTILIZATION, fiveHourReset: new Date('2026-11-24T11:00:00Z') } });
    expect(statuslineText({ input: EMPTY_INPUT, figures: reset, now: NOW, paint: plain, showAccount: false })).toBe('today $3.10 · block $1.20, 2h13m left · 7d 10%');
  });

  it('colours 5h and 7d only when asked: yellow from 70%, red from 90%', () => {
    const line = statuslineText({ input: EMPTY_INPUT, figures: figures({ utilization: { ...UTILIZATION, fiveHourUtilization: 0.93, sevenDayUtilization: 0.7 } }), now: NOW, paint: createPaint(true), showAccount: false });
    expect(line).toContain('5h \u001b[31m93%\u001b[39m');
    expect(line).toContain('7d \u001b[33m70%\u001b[39m');
  });

  it('falls back to a short line', () => {
    expect(fallbackText(input)).toBe('Opus 5.5 · nexus: no data');
    expect(fallbackText(EMPTY_INPUT)).toBe('nexus: no data');
  });
});
