/**
 * The monitor when stdout is not a terminal: one line of `key=value` per active account each time
 * the data is read, no escape codes, so it can be piped to a log or another program. Pure.
 * @example
 * 2026-11-24T12:00:05Z account=team block=2026-11-24T10:00:00Z/2026-11-24T15:00:00Z tokens=43108 cost=$0.03 burn=1234/min burn_cost=$0.12/h projected=120000 5h=42% 7d=10% reset=2026-11-24T15:00:00Z
 */
import { formatCost, formatDollars, totalTokens } from '../reports/index.js';
import type { PlanUtilization } from '../../storage/index.js';
import type { MonitorState } from './monitor-render.js';
import { isoSeconds } from './monitor-format.js';

export function plainLines(state: MonitorState): string[] {
  const now = isoSeconds(state.now);
  if (state.error !== null) return [`${now} error=${JSON.stringify(`data source unavailable, retrying every ${String(state.refreshSeconds)}s: ${state.error}`)}`];
  if (state.data === null) return [];
  if (state.data.active.length === 0) return [`${now} block=none${state.account === undefined ? '' : ` account=${state.account}`}`];
  return state.data.active.map(({ account, block, utilization }) => {
    const tokens = totalTokens(block);
    const fields = [
      now,
      `account=${account}`,
      `block=${isoSeconds(block.start)}/${isoSeconds(block.end)}`,
      `tokens=${String(tokens)}`,
      `cost=${formatCost(block).replaceAll(' ', '')}`,
      `burn=${block.burnRate === null ? '-' : String(Math.round(block.burnRate.tokensPerMinute))}/min`,
      `burn_cost=${block.burnRate === null ? '-' : formatDollars(block.burnRate.usdPerHour)}/h`,
      `projected=${block.burnRate === null ? '-' : String(block.burnRate.projectedTokens)}`,
      `5h=${share(utilization, 'five', state.now)}`,
      `7d=${share(utilization, 'seven', state.now)}`,
      ...(state.plan === undefined ? [] : [`plan=${state.plan.name}:${((tokens / state.plan.tokens) * 100).toFixed(1)}%`]),
      `reset=${isoSeconds(block.end)}`,
    ];
    return fields.join(' ');
  });
}

function share(u: PlanUtilization | null, window: 'five' | 'seven', now: Date): string {
  const value = window === 'five' ? u?.fiveHourUtilization : u?.sevenDayUtilization;
  const reset = window === 'five' ? u?.fiveHourReset : u?.sevenDayReset;
  if (value == null || (reset != null && reset.getTime() <= now.getTime())) return '-';
  return `${(value * 100).toFixed(1)}%`;
}
