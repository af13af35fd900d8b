/**
 * Reading the ledger back. Period and breakdown reports read the hourly roll-ups (fast at millions
 * of requests); day, week and month boundaries are taken in the caller's time zone. Money comes back
 * as exact decimal strings summed by PostgreSQL.
 */
import type { Queryable } from './database.js';
import { DatabaseError } from './database.js';

export interface UsageFilters {
  domain?: string | undefined;
  account?: string | undefined;
  model?: string | undefined;
  /** A member, by email (case-insensitive). */
  member?: string | undefined;
  /** A team: its current members' usage. */
  team?: string | undefined;
  project?: string | undefined;
  /** Inclusive lower bound. */
  since?: Date | undefined;
  /** Exclusive upper bound. */
  until?: Date | undefined;
}

export interface UsageTotals {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  webSearchRequests: number;
  /** Exact decimal string (USD) of the priced requests. */
  costUsd: string;
  /** Requests with tokens but no known price: their cost is missing from costUsd. */
  unpricedRequests: number;
}

export interface PeriodUsage extends UsageTotals {
  /** `YYYY-MM-DD` (day, and week: its first day), `YYYY-MM` (month), `YYYY-MM-DDTHH:00` (hour). */
  period: string;
  /** Set when the report is broken down by a dimension. */
  key?: string;
}

export type Period = 'hour' | 'day' | 'week' | 'month';
export type Dimension = 'model' | 'domain' | 'account' | 'member' | 'team' | 'project';

export interface PeriodQuery extends UsageFilters {
  period: Period;
  /** IANA time zone for period boundaries; default UTC. */
  timeZone?: string | undefined;
  /** Break each period down by this dimension. */
  by?: Dimension | undefined;
  /** First day of a week: 0 Sunday … 6 Saturday; default 1 (Monday). */
  startOfWeek?: number | undefined;
}

/** Every roll-up column summed, as totalsOf reads them (roll-up tables: hourly, daily, per session). */
export const SUMS = `sum(requests)::bigint AS requests, sum(errors)::bigint AS errors,
  sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
  sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(cache_write_5m_tokens)::bigint AS cache_write_5m_tokens,
  sum(cache_write_1h_tokens)::bigint AS cache_write_1h_tokens, sum(cache_read_tokens)::bigint AS cache_read_tokens,
  sum(web_search_requests)::bigint AS web_search_requests, sum(cost_usd)::text AS cost_usd,
  sum(unpriced_requests)::bigint AS unpriced_requests`;

/** The same sums computed from raw requests, for time zones whose offset is not a whole number of hours. */
export const RAW_SUMS = `count(*)::bigint AS requests,
  count(*) FILTER (WHERE status >= 400 OR outcome = 'failed')::bigint AS errors,
  sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
  sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(cache_write_5m_tokens)::bigint AS cache_write_5m_tokens,
  sum(cache_write_1h_tokens)::bigint AS cache_write_1h_tokens, sum(cache_read_tokens)::bigint AS cache_read_tokens,
  sum(web_search_requests)::bigint AS web_search_requests, coalesce(sum(cost_usd), 0)::text AS cost_usd,
  count(*) FILTER (WHERE cost_usd IS NULL AND input_tokens + output_tokens + cache_write_tokens + cache_read_tokens > 0)::bigint AS unpriced_requests`;

/** Usage per period (and optionally per model, domain or account within it), oldest first. */
export async function usageByPeriod(db: Queryable, query: PeriodQuery): Promise<PeriodUsage[]> {
  const timeZone = query.timeZone ?? 'UTC';
  assertTimeZone(timeZone);
  const raw = !isWholeHourZone(timeZone);
  const timeColumn = raw ? 'started_at' : 'hour';
  const params: unknown[] = [timeZone];
  const local = `(${timeColumn} AT TIME ZONE $1)`;
  const bucket = periodBucket(query.period, local, query.startOfWeek ?? 1);
  const where = filterClause(query, params, timeColumn, raw ? { model: 'model' } : { model: "nullif(model, '')" });
  const dimension = query.by === undefined ? null : dimensionColumn(query.by, raw);
  const keySelect = dimension === null ? '' : `, coalesce(${dimension}, '') AS key`;
  const rows = await db.query(
    `SELECT ${bucket} AS period${keySelect}, ${raw ? RAW_SUMS : SUMS}
     FROM ${sourceOf(raw ? 'requests' : rollupFor(query, query.by), query.by)} ${where}
     GROUP BY 1${dimension === null ? '' : ', 2'} ORDER BY 1${dimension === null ? '' : ', 2'}`,
    params,
  );
  return rows.map((row) => ({
    period: String(row.period),
    ...(dimension === null ? {} : { key: String(row.key) }),
    ...totalsOf(row),
  }));
}

/** Totals over the filters, broken down by one dimension, biggest cost first. */
export async function usageBreakdown(db: Queryable, query: UsageFilters & { by: Dimension }): Promise<(UsageTotals & { key: string })[]> {
  const params: unknown[] = [];
  const where = filterClause(query, params, 'hour', { model: "nullif(model, '')" });
  const rows = await db.query(
    `SELECT coalesce(${dimensionColumn(query.by, false)}, '') AS key, ${SUMS}
     FROM ${sourceOf(rollupFor(query, query.by), query.by)} ${where} GROUP BY 1 ORDER BY sum(cost_usd) DESC, 1`,
    params,
  );
  return rows.map((row) => ({ key: String(row.key), ...totalsOf(row) }));
}

/** Totals over the filters. */
export async function usageTotals(db: Queryable, query: UsageFilters): Promise<UsageTotals> {
  const params: unknown[] = [];
  const where = filterClause(query, params, 'hour', { model: "nullif(model, '')" });
  const [row] = await db.query(`SELECT ${SUMS} FROM ${rollupFor(query, undefined)} ${where}`, params);
  return totalsOf(row ?? {});
}

/** The column a breakdown groups by: members by email, teams by name (a member in two teams counts in both). */
function dimensionColumn(by: Dimension, raw: boolean): string {
  if (by === 'model') return raw ? 'model' : "nullif(model, '')";
  if (by === 'project') return raw ? 'project' : "nullif(project, '')";
  if (by === 'member') return 'member_email';
  if (by === 'team') return 'team_name';
  return by;
}

/**
 * The hourly roll-up that answers: the people roll-up (member and project in its key) when the
 * filters or the breakdown name a member, team or project; else the smaller one without them.
 */
export function rollupFor(filters: Pick<UsageFilters, 'member' | 'team' | 'project'>, by: Dimension | undefined): 'usage_hourly' | 'usage_people_hourly' {
  const people = filters.member !== undefined || filters.team !== undefined || filters.project !== undefined;
  return people || by === 'member' || by === 'team' || by === 'project' ? 'usage_people_hourly' : 'usage_hourly';
}

/** The table to read, joined to members or teams when the breakdown names them. */
export function sourceOf(table: 'usage_hourly' | 'usage_people_hourly' | 'requests', by: Dimension | undefined): string {
  if (by === 'member') return `(SELECT u.*, m.email AS member_email FROM ${table} u LEFT JOIN members m ON m.id = u.member_id) ${table}`;
  if (by === 'team') return `(SELECT u.*, t.team AS team_name FROM ${table} u LEFT JOIN member_teams t ON t.member_id = u.member_id) ${table}`;
  return table;
}

function periodBucket(period: Period, local: string, startOfWeek: number): string {
  switch (period) {
    case 'hour':
      return `to_char(date_trunc('hour', ${local}), 'YYYY-MM-DD"T"HH24:00')`;
    case 'day':
      return `to_char(${local}, 'YYYY-MM-DD')`;
    case 'month':
      return `to_char(${local}, 'YYYY-MM')`;
    case 'week': {
      // Days since the week's first day, then back to it: works for any start of week.
      const shift = `((extract(dow FROM ${local})::int - ${String(startOfWeek)} + 7) % 7)`;
      return `to_char((${local})::date - ${shift}, 'YYYY-MM-DD')`;
    }
  }
}

function filterClause(filters: UsageFilters, params: unknown[], timeColumn: string, columns: { model: string }): string {
  const conditions: string[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filters.since !== undefined) add((p) => `${timeColumn} >= ${p}::timestamptz`, filters.since.toISOString());
  if (filters.until !== undefined) add((p) => `${timeColumn} < ${p}::timestamptz`, filters.until.toISOString());
  if (filters.domain !== undefined) add((p) => `domain = ${p}`, filters.domain);
  if (filters.account !== undefined) add((p) => `account = ${p}`, filters.account);
  if (filters.model !== undefined) add((p) => `${columns.model} = ${p}`, filters.model);
  for (const condition of peopleConditions(filters, params)) conditions.push(condition);
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** Conditions for the member, team and project filters (on requests or a roll-up: both have these columns). */
export function peopleConditions(filters: Pick<UsageFilters, 'member' | 'team' | 'project'>, params: unknown[], prefix = ''): string[] {
  const conditions: string[] = [];
  if (filters.member !== undefined) {
    params.push(filters.member);
    conditions.push(`${prefix}member_id = (SELECT id FROM members WHERE lower(email) = lower($${params.length}))`);
  }
  if (filters.team !== undefined) {
    params.push(filters.team);
    conditions.push(`${prefix}member_id IN (SELECT member_id FROM member_teams WHERE team = $${params.length})`);
  }
  if (filters.project !== undefined) {
    params.push(filters.project);
    conditions.push(`${prefix}project = $${params.length}`);
  }
  return conditions;
}

export function totalsOf(row: Record<string, unknown>): UsageTotals {
  const int = (name: string): number => Number(row[name] ?? 0);
  const cost = row.cost_usd;
  return {
    requests: int('requests'),
    errors: int('errors'),
    inputTokens: int('input_tokens'),
    outputTokens: int('output_tokens'),
    cacheWriteTokens: int('cache_write_tokens'),
    cacheWrite5mTokens: int('cache_write_5m_tokens'),
    cacheWrite1hTokens: int('cache_write_1h_tokens'),
    cacheReadTokens: int('cache_read_tokens'),
    webSearchRequests: int('web_search_requests'),
    costUsd: typeof cost === 'string' ? cost : '0',
    unpricedRequests: int('unpriced_requests'),
  };
}

/** Throws a DatabaseError for a name that is not an IANA time zone (before it reaches SQL). */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new DatabaseError(`Unknown time zone "${timeZone}".`);
  }
}

/** Hourly roll-ups answer exactly only where every offset of the zone is a whole number of hours. */
function isWholeHourZone(timeZone: string): boolean {
  const year = new Date().getUTCFullYear();
  return [0, 3, 6, 9].every((month) => {
    const date = new Date(Date.UTC(year, month, 1));
    const local = new Date(date.toLocaleString('en-US', { timeZone }));
    const utc = new Date(date.toLocaleString('en-US', { timeZone: 'UTC' }));
    return (local.getTime() - utc.getTime()) % 3_600_000 === 0;
  });
}
