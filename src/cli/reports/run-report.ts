/** A report command end to end: options → source → load → aggregate → render. */
import type { Config } from '../../config.js';
import { openUsageSource, type UsageSource } from '../usage-source/index.js';
import { loadBlocks } from './blocks-loader.js';
import { renderActiveBlock, renderBlocksTable } from './blocks-render.js';
import { maxBlockTokens, selectBlocks } from './blocks-view.js';
import { createPaint, type Paint } from './format.js';
import { blocksJson, periodJson, sessionJson, type PeriodGroup, type PeriodKind } from './json.js';
import type { GroupBy, ReportKind, ReportOptions } from './options.js';
import { periodRows } from './period-report.js';
import { sessionRows } from './session-report.js';
import { sumsOf } from './sums.js';
import { COMPACT_BELOW_COLUMNS, renderUsageTable, unpricedNote } from './table.js';
import { nextDay, localDate, startOfLocalDay } from './time-zone.js';

export interface Terminal {
  isTTY: boolean;
  /** process.stdout.columns, when it is a terminal. */
  columns: number | undefined;
}

export interface ReportContext {
  config: Config;
  terminal: Terminal;
  now: Date;
}

const TITLES: Record<ReportKind, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', session: 'By Session', blocks: 'Session Blocks' };
const PERIODS = { daily: 'day', weekly: 'week', monthly: 'month' } as const;

/** Runs one report and returns what to print. */
export async function runReport(kind: ReportKind, options: ReportOptions, context: ReportContext): Promise<string> {
  const source = await openUsageSource(context.config, options.source);
  try {
    const width = context.config.columns ?? context.terminal.columns ?? 120;
    const view = { paint: createPaint(context.terminal.isTTY && !context.config.noColor), compact: options.compact || width < COMPACT_BELOW_COLUMNS };
    if (kind === 'blocks') return await blocksReport(source, options, context.now, view);
    if (kind === 'session') return await sessionReport(source, options, view);
    return await periodReport(kind, source, options, view);
  } finally {
    await source.close();
  }
}

interface View {
  paint: Paint;
  compact: boolean;
}

function range(options: ReportOptions): { since?: Date; until?: Date } {
  return {
    ...(options.since === undefined ? {} : { since: startOfLocalDay(options.since, options.timeZone) }),
    ...(options.until === undefined ? {} : { until: startOfLocalDay(nextDay(options.until), options.timeZone) }),
  };
}

function titled(kind: ReportKind, body: string, view: View): string {
  const title = `Claude Nexus Token Usage Report - ${TITLES[kind]}`;
  const line = '─'.repeat(title.length + 4);
  return [` ╭${line}╮`, ` │  ${view.paint('bold', title)}  │`, ` ╰${line}╯`, '', body].join('\n');
}

async function periodReport(kind: PeriodKind, source: UsageSource, options: ReportOptions, view: View): Promise<string> {
  const usage = await source.periods({
    period: PERIODS[kind],
    timeZone: options.timeZone,
    by: 'model',
    startOfWeek: options.startOfWeek,
    ...options.filters,
    ...range(options),
  });
  const rows = periodRows(usage, options.order);
  const groups = options.by === undefined ? null : await periodGroups(source, kind, options, options.by);
  if (options.json) return JSON.stringify(periodJson(kind, rows, groups === null ? undefined : { by: options.by ?? 'member', groups }), null, 2);
  if (rows.length === 0) return 'No usage found.';
  const first = { daily: 'Date', weekly: 'Week', monthly: 'Month' }[kind];
  const table = renderUsageTable({
    firstColumn: first,
    rows: rows.map((r) => ({ ...r, label: r.period, groups: groups?.get(r.period)?.map((g) => ({ label: g.key === '' ? `(no ${options.by ?? ''})` : g.key, sums: g.sums })) })),
    breakdown: options.breakdown,
    compact: view.compact,
    paint: view.paint,
  });
  return titled(kind, withNote(table, unpricedNote(rows)), view);
}

/** `--by`: each period's usage per member, team or project, costliest first. */
async function periodGroups(source: UsageSource, kind: PeriodKind, options: ReportOptions, by: GroupBy): Promise<Map<string, PeriodGroup[]>> {
  const usage = await source.periods({ period: PERIODS[kind], timeZone: options.timeZone, by, startOfWeek: options.startOfWeek, ...options.filters, ...range(options) });
  const groups = new Map<string, PeriodGroup[]>();
  for (const row of usage) {
    const list = groups.get(row.period) ?? [];
    list.push({ key: row.key ?? '', sums: sumsOf(row) });
    groups.set(row.period, list);
  }
  for (const list of groups.values()) list.sort((a, b) => (a.sums.costPico === b.sums.costPico ? a.key.localeCompare(b.key) : a.sums.costPico > b.sums.costPico ? -1 : 1));
  return groups;
}

async function sessionReport(source: UsageSource, options: ReportOptions, view: View): Promise<string> {
  const { since, until } = range(options);
  const usage = await source.sessions({ ...options.filters, session: options.session, lastSince: since, lastUntil: until });
  const rows = sessionRows(usage, options.order);
  if (options.json) return JSON.stringify(sessionJson(rows, options.timeZone), null, 2);
  if (rows.length === 0) return options.session === undefined ? 'No usage found.' : `No session found with ID: ${options.session}`;
  const table = renderUsageTable({
    firstColumn: 'Session',
    // ccusage shows the last two parts of a session id.
    rows: rows.map((r) => ({ ...r, label: r.sessionId.split('-').slice(-2).join('-'), lastActivity: localDate(r.lastAt, options.timeZone) })),
    breakdown: options.breakdown,
    compact: view.compact,
    paint: view.paint,
    lastActivity: true,
  });
  return titled('session', withNote(table, unpricedNote(rows)), view);
}

async function blocksReport(source: UsageSource, options: ReportOptions, now: Date, view: View): Promise<string> {
  const all = await loadBlocks(source, options.filters, now);
  // ccusage takes "max" over every finished block, before --recent or --active narrow the list.
  const maxTokens = maxBlockTokens(all);
  const blocks = selectBlocks(all, { since: options.since, until: options.until, timeZone: options.timeZone, recent: options.recent, active: options.active, order: options.order, now });
  if (options.json) return JSON.stringify(blocksJson(blocks, { tokenLimit: options.tokenLimit, maxTokens }), null, 2);
  if (blocks.length === 0) return options.active ? 'No active session block found.' : 'No usage found.';
  const render = { timeZone: options.timeZone, now, compact: view.compact, paint: view.paint, tokenLimit: options.tokenLimit ?? ('max' as const), maxTokens };
  if (options.active) return blocks.map((block) => renderActiveBlock(block, { ...render, tokenLimit: options.tokenLimit })).join('\n\n');
  return titled('blocks', withNote(renderBlocksTable(blocks, render), unpricedNote(blocks)), view);
}

function withNote(table: string, note: string | null): string {
  return note === null ? table : `${table}\n${note}`;
}
