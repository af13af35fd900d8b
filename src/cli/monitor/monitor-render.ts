/**
 * The monitor's screen: state in, lines out, cut to the terminal's width and height. Pure (no I/O,
 * no escape codes): a line is a list of segments, each with an optional style, painted by the
 * caller only when stdout is a terminal.
 */
import type { PlanUtilization } from '../../storage/index.js';
import { formatCost, formatDollars, formatModelName, formatNumber, totalTokens, type ModelUsage, type Style } from '../reports/index.js';
import type { AccountNow, MonitorData } from './monitor-data.js';
import { bar, clockTime, dateTimeSeconds, formatCountdown, percent, shareStyle } from './monitor-format.js';
import type { PlanLimit } from './plans.js';

export interface Segment {
  text: string;
  style?: Style;
}
export type Line = Segment[];

export interface MonitorState {
  now: Date;
  timeZone: string;
  plan: PlanLimit | undefined;
  refreshSeconds: number;
  /** --account, to say so when it has no active block. */
  account: string | undefined;
  /** Where the data comes from, once opened. */
  source: string | null;
  /** The last data read that worked (kept on screen while the source is failing). */
  data: MonitorData | null;
  /** Why the last read failed; null when it worked. */
  error: string | null;
}

export interface ScreenSize {
  width: number;
  height: number;
}

const LABEL = 12;
const MAX_MODELS = 3;
const FIVE_HOURS_MS = 5 * 3_600_000;

const seg = (text: string, style?: Style): Segment => (style === undefined ? { text } : { text, style });
const label = (text: string): Segment => seg(`  ${text.padEnd(LABEL)}`, 'gray');

/** The whole screen, at most `height` lines of at most `width` characters. */
export function renderMonitor(state: MonitorState, size: ScreenSize): Line[] {
  const width = Math.max(size.width, 20);
  const head = header(state, width);
  const foot = footer(state);
  const room = Math.max(size.height - head.length - foot.length, 0);
  const body = bodyLines(state, width, room).slice(0, room);
  const lines = [...head, ...body, ...Array.from({ length: Math.max(room - body.length, 0) }, () => []), ...foot];
  return lines.slice(0, Math.max(size.height, 1)).map((line) => fit(line, width));
}

function header(state: MonitorState, width: number): Line[] {
  const title = ' Claude Nexus · live usage';
  const clock = `${dateTimeSeconds(state.now, state.timeZone)} ${state.timeZone} `;
  const gap = width - title.length - clock.length;
  return [[seg(title, 'bold'), ...(gap >= 1 ? [seg(' '.repeat(gap)), seg(clock, 'gray')] : [])], [seg('─'.repeat(width), 'gray')]];
}

function footer(state: MonitorState): Line[] {
  const lines: Line[] = [];
  if (state.error !== null) {
    const kept = state.data === null ? '' : ` (showing the figures read at ${dateTimeSeconds(state.data.loadedAt, state.timeZone).slice(11)})`;
    lines.push([seg(` data source unavailable, retrying every ${String(state.refreshSeconds)}s${kept}: ${state.error}`, 'red')]);
  }
  const read = state.data === null ? 'no data yet' : `data read ${dateTimeSeconds(state.data.loadedAt, state.timeZone).slice(11)}, every ${String(state.refreshSeconds)}s`;
  lines.push([seg(' q quit', 'bold'), seg(` · ${read}${state.source === null ? '' : ` · ${state.source}`}`, 'gray')]);
  return lines;
}

/** The account panels that fit in `room` lines, then a note of those left out. */
function bodyLines(state: MonitorState, width: number, room: number): Line[] {
  const { data } = state;
  if (data === null) return [[seg(state.error === null ? ' Reading usage…' : ' No figures yet.', 'gray')]];
  if (data.active.length === 0) {
    const whose = state.account === undefined ? 'any account' : `account ${state.account}`;
    const idle = data.idle.length === 0 ? '' : ` Idle: ${data.idle.join(', ')}.`;
    return [[seg(` No active 5-hour block for ${whose}.${idle}`)]];
  }
  const lines: Line[] = [];
  const panels = data.active.map((account) => accountPanel(account, state, width));
  for (const [i, panel] of panels.entries()) {
    const rest = panels.length - i - 1;
    const needed = panel.length + (i > 0 ? 1 : 0) + (rest > 0 ? 1 : 0);
    if (i > 0 && lines.length + needed > room) {
      lines.push([seg(` … ${String(panels.length - i)} more active account(s): ${data.active.slice(i).map((a) => a.account).join(', ')} (a taller window or --account shows them)`, 'yellow')]);
      break;
    }
    if (i > 0) lines.push([]);
    lines.push(...panel);
  }
  return lines;
}

function accountPanel({ account, block, utilization }: AccountNow, state: MonitorState, width: number): Line[] {
  const { now, timeZone } = state;
  const barWidth = Math.min(Math.max(width - 64, 8), 40);
  const tokens = totalTokens(block);
  const at = (date: Date) => clockTime(date, now, timeZone);
  const lines: Line[] = [
    [
      seg(` ${account}`, 'bold'),
      seg(`  block ${at(block.start)}–${at(block.end)} `),
      seg(block.source === 'server' ? '(server window)' : '(from first request)', 'gray'),
      seg('  resets in '),
      seg(formatCountdown(block.end.getTime() - now.getTime()), 'cyan'),
    ],
    [label('Used'), seg(`${formatNumber(tokens)} tokens`.padEnd(22)), seg(formatCost(block).padEnd(20)), seg(`${formatNumber(block.requests)} requests`, 'gray')],
  ];
  const rate = block.burnRate;
  if (rate !== null) {
    lines.push([label('Burn rate'), seg(`${formatNumber(Math.round(rate.tokensPerMinute))} tokens/min`.padEnd(22)), seg(`${formatDollars(rate.usdPerHour)}/h`)]);
    lines.push([label('Projected'), seg(`${formatNumber(rate.projectedTokens)} tokens`.padEnd(22)), seg(`${formatDollars(rate.projectedUsd)} by ${at(block.end)}`)]);
  }
  const server = serverLines(utilization, state, barWidth);
  lines.push(...server);
  if (state.plan !== undefined) lines.push(...planLines(state.plan, block, state, barWidth));
  if (server.length === 0 && state.plan === undefined) {
    lines.push([label('Limit'), seg('unknown: no rate-limit headers on record for this account (--plan sets an estimate)', 'gray')]);
  }
  lines.push(...modelLines(block.models, tokens, block.costPico, barWidth));
  return lines;
}

/** The server's 5-hour and 7-day utilization, while their windows are open. */
function serverLines(u: PlanUtilization | null, state: MonitorState, barWidth: number): Line[] {
  if (u === null) return [];
  const { now, timeZone } = state;
  const lines: Line[] = [];
  const open = (reset: Date | null) => reset === null || reset.getTime() > now.getTime();
  if (u.fiveHourUtilization !== null && open(u.fiveHourReset)) {
    const share = u.fiveHourUtilization;
    const line = [label('5h (server)'), seg(bar(share, barWidth), shareStyle(share)), seg(` ${percent(share).padStart(6)}`, shareStyle(share))];
    const pace = u.fiveHourReset === null ? null : paceAtReset(share, u.observedAt, u.fiveHourReset);
    if (pace !== null) line.push(seg(`  ≈${percent(pace)} at reset`, pace >= 1 ? 'red' : 'gray'));
    if (u.fiveHourReset !== null) line.push(seg(`  resets ${clockTime(u.fiveHourReset, now, timeZone)}`, 'gray'));
    lines.push(line);
  }
  if (u.sevenDayUtilization !== null && open(u.sevenDayReset)) {
    const share = u.sevenDayUtilization;
    const line = [label('7d (server)'), seg(bar(share, barWidth), shareStyle(share)), seg(` ${percent(share).padStart(6)}`, shareStyle(share))];
    if (u.sevenDayReset !== null) {
      line.push(seg(`  resets ${clockTime(u.sevenDayReset, now, timeZone)} (in ${formatCountdown(u.sevenDayReset.getTime() - now.getTime())})`, 'gray'));
    }
    lines.push(line);
  }
  return lines;
}

/** Linear: the share used so far in the server's window, stretched over the whole window. */
export function paceAtReset(share: number, observedAt: Date, reset: Date): number | null {
  const elapsed = observedAt.getTime() - (reset.getTime() - FIVE_HOURS_MS);
  return elapsed < 60_000 ? null : share * (FIVE_HOURS_MS / elapsed);
}

/** The block against --plan's estimate: tokens (with the projection), and cost when the plan has a price. */
function planLines(plan: PlanLimit, block: AccountNow['block'], state: MonitorState, barWidth: number): Line[] {
  const tokens = totalTokens(block);
  const share = tokens / plan.tokens;
  const tokenLine: Line = [label(`Plan ${plan.name}`), seg(bar(share, barWidth), shareStyle(share)), seg(` ${percent(share).padStart(6)}`, shareStyle(share)), seg(` of ${formatNumber(plan.tokens)} tokens`)];
  const rate = block.burnRate;
  if (rate !== null) {
    const projected = rate.projectedTokens / plan.tokens;
    tokenLine.push(seg(` · ${percent(projected)} projected`, projected > 1 ? 'red' : 'gray'));
    if (tokens < plan.tokens && projected > 1 && rate.tokensPerMinute > 0) {
      const reachedAt = new Date(state.now.getTime() + ((plan.tokens - tokens) / rate.tokensPerMinute) * 60_000);
      tokenLine.push(seg(`, limit at ${clockTime(reachedAt, state.now, state.timeZone)}`, 'red'));
    }
  }
  if (plan.usd === null) return [tokenLine];
  const costShare = Number(block.costPico) / 1e12 / plan.usd;
  return [tokenLine, [label('Plan cost'), seg(bar(costShare, barWidth), shareStyle(costShare)), seg(` ${percent(costShare).padStart(6)}`, shareStyle(costShare)), seg(` of ${formatDollars(plan.usd)}`)]];
}

/** Share of the block's tokens and cost per model, most expensive first. */
function modelLines(models: readonly ModelUsage[], tokens: number, costPico: bigint, barWidth: number): Line[] {
  const width = Math.min(Math.max(...models.slice(0, MAX_MODELS).map((m) => formatModelName(m.model).length), 8), 24);
  const lines = models.slice(0, MAX_MODELS).map((model, i): Line => {
    const tokenShare = tokens === 0 ? 0 : totalTokens(model) / tokens;
    const costShare = costPico === 0n ? 0 : Number((model.costPico * 10_000n) / costPico) / 10_000;
    return [
      i === 0 ? label('Models') : seg(' '.repeat(LABEL + 2)),
      seg(`${formatModelName(model.model).padEnd(width)} `),
      seg(bar(tokenShare, Math.max(Math.floor(barWidth / 2), 6)), 'blue'),
      seg(` ${percent(tokenShare).padStart(6)} of tokens  ${percent(costShare).padStart(6)} of cost`),
    ];
  });
  if (models.length > MAX_MODELS) lines.push([seg(' '.repeat(LABEL + 2)), seg(`+ ${String(models.length - MAX_MODELS)} more`, 'gray')]);
  return lines;
}

/** Cuts a line to `width` characters (an ellipsis marks the cut). */
export function fit(line: Line, width: number): Line {
  if (Array.from(lineText(line)).length <= width) return line;
  const out: Line = [];
  let room = width - 1;
  for (const segment of line) {
    const chars = Array.from(segment.text);
    if (chars.length >= room) {
      out.push({ ...segment, text: `${chars.slice(0, room).join('')}…` });
      return out;
    }
    out.push(segment);
    room -= chars.length;
  }
  return out;
}

/** A line as plain text. */
export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}
