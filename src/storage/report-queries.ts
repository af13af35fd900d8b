/**
 * Queries behind the `nexus` usage reports (sessions and 5-hour blocks). Blocks read the hourly
 * roll-ups and touch raw requests only through small indexed ranges, so they stay fast at millions
 * of requests. Hours and ranges count every request, as the roll-ups do (the report leaves out rows
 * without tokens); sessions and first/last requests look only at requests that carried tokens.
 */
import type { Queryable } from './database.js';
import { peopleConditions, RAW_SUMS, rollupFor, totalsOf, type UsageFilters, type UsageTotals } from './usage-queries.js';

/** Per-model usage of one session (Claude Code's session id, or the conversation hash). */
export interface SessionModelUsage extends UsageTotals {
  sessionId: string;
  /** '' when the request named no model. */
  model: string;
  domain: string;
  account: string;
  /** Last request of the whole session (every model), within the filters. */
  lastAt: Date;
}

export interface SessionUsageQuery extends Pick<UsageFilters, 'member' | 'team' | 'project'> {
  domain?: string | undefined;
  account?: string | undefined;
  model?: string | undefined;
  /** A session id or conversation id. */
  session?: string | undefined;
  /** Sessions whose last request is at or after this. */
  lastSince?: Date | undefined;
  /** Sessions whose last request is before this. */
  lastUntil?: Date | undefined;
}

/** Usage of one account and model in one UTC hour, from the hourly roll-ups. */
export interface HourlyUsage extends UsageTotals {
  account: string;
  hour: Date;
  model: string;
}

/** A half-open time range of one account: [start, end). */
export interface AccountRange {
  account: string;
  start: Date;
  end: Date;
}

export interface RangeUsage extends UsageTotals {
  /** Index of the range in the request. */
  range: number;
  model: string;
}

export interface ActivityBounds {
  range: number;
  /** First and last request with tokens in the range; null when there is none. */
  firstAt: Date | null;
  lastAt: Date | null;
}

export interface AccountReset {
  account: string;
  reset: Date;
}

type ReportFilters = Pick<UsageFilters, 'domain' | 'account' | 'model' | 'member' | 'team' | 'project'>;

const HAS_TOKENS = 'input_tokens + output_tokens + cache_write_tokens + cache_read_tokens > 0';

/**
 * The sums a session row needs (the rest of UsageTotals reads as 0): fewer columns to send and
 * parse, which is most of the time of a session report over millions of requests.
 */
const SESSION_SUMS = `sum(requests)::bigint AS requests, sum(input_tokens)::bigint AS input_tokens,
  sum(output_tokens)::bigint AS output_tokens, sum(cache_write_tokens)::bigint AS cache_write_tokens,
  sum(cache_read_tokens)::bigint AS cache_read_tokens, sum(cost_usd)::text AS cost_usd,
  sum(unpriced_requests)::bigint AS unpriced_requests`;

/**
 * Session × model usage, most recent session first, from the per-session roll-up (usage_sessions):
 * no raw request is read, however many there are. Sessions whose requests carried no tokens are left out.
 */
export async function sessionUsage(db: Queryable, query: SessionUsageQuery): Promise<SessionModelUsage[]> {
  const params: unknown[] = [];
  const conditions = filterConditions(query, params, "nullif(model, '')");
  if (query.session !== undefined) {
    params.push(query.session);
    conditions.push(`(conversation_id = $${params.length} OR session_id = $${params.length})`);
  }
  const outer: string[] = [];
  if (query.lastSince !== undefined) {
    params.push(query.lastSince.toISOString());
    const since = `$${params.length}::timestamptz`;
    // Only sessions active since then can end since then: the last_at index narrows the scan.
    conditions.push(`conversation_id IN (SELECT conversation_id FROM usage_sessions WHERE last_at >= ${since})`);
    outer.push(`session_last_at >= ${since}`);
  }
  if (query.lastUntil !== undefined) {
    params.push(query.lastUntil.toISOString());
    outer.push(`session_last_at < $${params.length}::timestamptz`);
  }
  const rows = await db.query(
    `SELECT * FROM (
       SELECT conversation_id, coalesce(max(session_id), conversation_id) AS session_id, model, min(domain) AS domain, min(account) AS account,
         max(max(last_at)) OVER (PARTITION BY conversation_id) AS session_last_at, ${SESSION_SUMS}
       FROM usage_sessions ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
       GROUP BY conversation_id, model
       HAVING sum(input_tokens + output_tokens + cache_write_tokens + cache_read_tokens) > 0
     ) s ${outer.length === 0 ? '' : `WHERE ${outer.join(' AND ')}`}
     ORDER BY session_last_at DESC, conversation_id, model`,
    params,
  );
  return rows.map((row) => ({
    sessionId: String(row.session_id),
    model: String(row.model),
    domain: String(row.domain),
    account: String(row.account),
    lastAt: row.session_last_at as Date,
    ...totalsOf(row),
  }));
}

/** Usage per account, UTC hour and model (domains summed), oldest first. */
export async function hourlyUsage(db: Queryable, filters: UsageFilters): Promise<HourlyUsage[]> {
  const params: unknown[] = [];
  const conditions = filterConditions(filters, params, "nullif(model, '')");
  if (filters.since !== undefined) {
    params.push(filters.since.toISOString());
    conditions.push(`hour >= $${params.length}::timestamptz`);
  }
  if (filters.until !== undefined) {
    params.push(filters.until.toISOString());
    conditions.push(`hour < $${params.length}::timestamptz`);
  }
  const rows = await db.query(
    `SELECT account, hour, model, sum(requests)::bigint AS requests, sum(errors)::bigint AS errors,
       sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
       sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(cache_write_5m_tokens)::bigint AS cache_write_5m_tokens,
       sum(cache_write_1h_tokens)::bigint AS cache_write_1h_tokens, sum(cache_read_tokens)::bigint AS cache_read_tokens,
       sum(web_search_requests)::bigint AS web_search_requests, sum(cost_usd)::text AS cost_usd,
       sum(unpriced_requests)::bigint AS unpriced_requests
     FROM ${rollupFor(filters, undefined)} ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
     GROUP BY account, hour, model ORDER BY hour, account, model`,
    params,
  );
  return rows.map((row) => ({ account: String(row.account), hour: row.hour as Date, model: String(row.model), ...totalsOf(row) }));
}

/** Per-model usage inside each range (meant for small ranges: parts of an hour), one index range scan each. */
export async function rangeUsage(db: Queryable, filters: ReportFilters, ranges: readonly AccountRange[]): Promise<RangeUsage[]> {
  if (ranges.length === 0) return [];
  const params: unknown[] = rangeParams(ranges);
  const conditions = ['account = r.account', 'started_at >= r.start_at', 'started_at < r.end_at', ...filterConditions(filters, params)];
  const rows = await db.query(
    `SELECT r.i - 1 AS range, q.*
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS r(account, start_at, end_at, i)
     CROSS JOIN LATERAL (
       SELECT coalesce(model, '') AS model, ${RAW_SUMS} FROM requests WHERE ${conditions.join(' AND ')} GROUP BY 1
     ) q
     ORDER BY 1, 2`,
    params,
  );
  return rows.map((row) => ({ range: Number(row.range), model: String(row.model), ...totalsOf(row) }));
}

/** First and last request with tokens in each range: two index probes per range. */
export async function activityBounds(db: Queryable, filters: ReportFilters, ranges: readonly AccountRange[]): Promise<ActivityBounds[]> {
  if (ranges.length === 0) return [];
  const params: unknown[] = rangeParams(ranges);
  const where = ['q.account = r.account', 'q.started_at >= r.start_at', 'q.started_at < r.end_at', HAS_TOKENS, ...filterConditions(filters, params, 'q.model', 'q.')].join(' AND ');
  const rows = await db.query(
    `SELECT r.i - 1 AS range,
       (SELECT q.started_at FROM requests q WHERE ${where} ORDER BY q.started_at LIMIT 1) AS first_at,
       (SELECT q.started_at FROM requests q WHERE ${where} ORDER BY q.started_at DESC LIMIT 1) AS last_at
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS r(account, start_at, end_at, i)
     ORDER BY 1`,
    params,
  );
  return rows.map((row) => ({
    range: Number(row.range),
    firstAt: (row.first_at as Date | null) ?? null,
    lastAt: (row.last_at as Date | null) ?? null,
  }));
}

/**
 * Distinct 5-hour reset times the server announced, per account, oldest first. A skip scan over
 * the (account, five_hour_reset) index: one probe per distinct pair, however many snapshots repeat it.
 */
export async function fiveHourResetsByAccount(db: Queryable, filters: { account?: string | undefined; domain?: string | undefined }): Promise<AccountReset[]> {
  const params: unknown[] = [];
  const where = (prefix: string): string =>
    [`${prefix}five_hour_reset IS NOT NULL`, ...filterConditions({ account: filters.account, domain: filters.domain }, params, 'model', prefix)].join(' AND ');
  const rows = await db.query(
    `WITH RECURSIVE pairs(account, five_hour_reset) AS (
       (SELECT account, five_hour_reset FROM rate_limit_snapshots WHERE ${where('')} ORDER BY account, five_hour_reset LIMIT 1)
       UNION ALL
       SELECT later.account, later.five_hour_reset FROM pairs CROSS JOIN LATERAL (
         SELECT s.account, s.five_hour_reset FROM rate_limit_snapshots s
         WHERE ${where('s.')} AND (s.account, s.five_hour_reset) > (pairs.account, pairs.five_hour_reset)
         ORDER BY s.account, s.five_hour_reset LIMIT 1
       ) later
     )
     SELECT account, five_hour_reset FROM pairs`,
    params,
  );
  return rows.map((row) => ({ account: String(row.account), reset: row.five_hour_reset as Date }));
}

function rangeParams(ranges: readonly AccountRange[]): unknown[] {
  return [ranges.map((r) => r.account), ranges.map((r) => r.start.toISOString()), ranges.map((r) => r.end.toISOString())];
}

function filterConditions(filters: ReportFilters, params: unknown[], modelColumn = 'model', prefix = ''): string[] {
  const conditions: string[] = [];
  const add = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    params.push(value);
    conditions.push(`${column} = $${params.length}`);
  };
  add(`${prefix}domain`, filters.domain);
  add(`${prefix}account`, filters.account);
  add(modelColumn, filters.model);
  conditions.push(...peopleConditions(filters, params, prefix));
  return conditions;
}
