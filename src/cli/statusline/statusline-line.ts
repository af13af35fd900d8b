/**
 * The one line `nexus statusline` prints: model · this session's cost · today's · the current
 * block's cost and time left · the plan's 5-hour and 7-day use. Pure.
 * @example 'Opus 4.5 · session $0.42 · today $3.10 · you $1.05 today, $31.20 this month · block $1.20, 2h13m left · 5h 42% · 7d 10%'
 */
import { usdStringToPico } from '../../pricing/index.js';
import type { StatuslineFigures, StatuslineSums } from '../../storage/index.js';
import { shareStyle } from '../monitor/monitor-format.js';
import { formatCost, type Paint } from '../reports/format.js';
import type { StatuslineInput, WindowUse } from './statusline-input.js';

export interface StatuslineView {
  input: StatuslineInput;
  figures: StatuslineFigures;
  now: Date;
  paint: Paint;
  /** Name the account: it was neither asked for nor the session's (the latest request's account). */
  showAccount: boolean;
}

const SEPARATOR = ' · ';

export function statuslineText({ input, figures, now, paint, showAccount }: StatuslineView): string {
  const parts: string[] = [];
  if (input.model !== null) parts.push(input.model);
  if (input.sessionId !== null) parts.push(`session ${figures.session === null ? '-' : cost(figures.session)}`);
  parts.push(`today ${cost(figures.today)}`);
  // The person's own spend (every key and project of theirs), when the session is a member's.
  const { member } = figures;
  if (member !== null) parts.push(`you ${cost(member.today)} today${member.month === null ? '' : `, ${cost(member.month)} this month`}`);
  const { block } = figures;
  if (block !== null) parts.push(`block ${cost(block)}, ${shortDuration(block.end.getTime() - now.getTime())} left`);
  const u = figures.utilization;
  // The ledger's figures first; Claude Code's own (from the same headers) when the ledger has none.
  const fiveHour = fresh(u === null || u.fiveHourUtilization === null ? null : { share: u.fiveHourUtilization, resetsAt: u.fiveHourReset }, now) ?? fresh(input.fiveHour, now);
  const sevenDay = fresh(u === null || u.sevenDayUtilization === null ? null : { share: u.sevenDayUtilization, resetsAt: u.sevenDayReset }, now) ?? fresh(input.sevenDay, now);
  if (fiveHour !== null) parts.push(`5h ${paint(shareStyle(fiveHour.share), percent(fiveHour.share))}`);
  if (sevenDay !== null) parts.push(`7d ${paint(shareStyle(sevenDay.share), percent(sevenDay.share))}`);
  if (showAccount && figures.account !== null) parts.push(`acct ${figures.account}`);
  return parts.join(SEPARATOR);
}

/** What is printed when there are no figures: still a line, so Claude Code's footer stays. */
export function fallbackText(input: StatuslineInput): string {
  return [...(input.model === null ? [] : [input.model]), 'nexus: no data'].join(SEPARATOR);
}

function cost(sums: StatuslineSums): string {
  return formatCost({ costPico: usdStringToPico(sums.costUsd), unpricedRequests: sums.unpricedRequests });
}

/** A window's use, unless its window already reset (then the figure no longer holds). */
function fresh(use: WindowUse | null, now: Date): WindowUse | null {
  if (use === null || (use.resetsAt !== null && use.resetsAt.getTime() <= now.getTime())) return null;
  return use;
}

function percent(share: number): string {
  return `${String(Math.round(share * 100))}%`;
}

/** `2h13m`, `45m`. */
function shortDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours === 0 ? `${String(minutes)}m` : `${String(hours)}h${String(minutes % 60).padStart(2, '0')}m`;
}
