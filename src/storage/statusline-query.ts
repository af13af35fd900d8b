/**
 * Everything Claude Code's status line shows, in ONE statement (it runs on every status refresh):
 * the session's cost, today's cost and the current 5-hour block of the account, and the server's
 * latest 5-hour and 7-day utilization. Index probes and small ranges only, so it stays fast at
 * millions of requests.
 *
 * The block is the one `nexus blocks` marks active: the server's own window when one announced by
 * anthropic-ratelimit-unified-5h-reset holds `now`; otherwise ccusage's rule (first request floored
 * to the hour, 5 hours long), chained from the last server window that ended or, for accounts with
 * none, from LOOKBACK before `now`. Over continuous activity longer than that the chain can start
 * at a different hour than the blocks report's (which starts from the first request ever).
 */
import type { PlanUtilization } from './conversation-queries.js';
import type { Queryable } from './database.js';

/** How far back the ccusage-rule chain of blocks starts when no server window ended since. */
export const STATUSLINE_LOOKBACK_MS = 7 * 86_400_000;

export interface StatuslineQuery {
  /** Claude Code's session id (x-claude-code-session-id), as stored in session_id. */
  sessionId?: string | undefined;
  /** Whose day and block; default the session's account, else the account of the latest request. */
  account?: string | undefined;
  /** When "today" started, in the caller's time zone. */
  dayStart: Date;
  /** When this month started, in the caller's time zone: the session's member's month is summed from it. */
  monthStart?: Date | undefined;
  now: Date;
}

export interface StatuslineSums {
  requests: number;
  tokens: number;
  /** Exact decimal string of the priced requests. */
  costUsd: string;
  /** Requests with tokens but no price: their cost is missing from costUsd. */
  unpricedRequests: number;
}

export interface StatuslineBlock extends StatuslineSums {
  start: Date;
  end: Date;
  source: 'server' | 'first-request';
}

export type StatuslineUtilization = Omit<PlanUtilization, 'account'>;

export interface StatuslineFigures {
  /** The account the day, block and utilization are of; null when the ledger is empty. */
  account: string | null;
  /** The session's usage; null when no session id was given or none of its requests is recorded. */
  session: StatuslineSums | null;
  today: StatuslineSums;
  /** The active block; null when the account has none at `now`. */
  block: StatuslineBlock | null;
  utilization: StatuslineUtilization | null;
  /** The session's member's own today and month (every key and project of theirs); null without one. */
  member: { today: StatuslineSums; month: StatuslineSums | null } | null;
}

/** The four token columns of a row of `requests` or `usage_hourly`, added. */
const tokens = (t: string): string => `${t}.input_tokens + ${t}.output_tokens + ${t}.cache_write_tokens + ${t}.cache_read_tokens`;

const RAW_SUMS = `count(*)::bigint AS requests, coalesce(sum(${tokens('r')}), 0)::bigint AS tokens,
  coalesce(sum(r.cost_usd), 0)::text AS cost_usd,
  count(*) FILTER (WHERE r.cost_usd IS NULL AND ${tokens('r')} > 0)::bigint AS unpriced`;

/**
 * The session's member's usage from `from` (the part of an hour before `fromHour` from requests, whole
 * hours from the people roll-up), whatever key, domain or project it was made with.
 */
function memberSums(name: string, from: string, fromHour: string): string {
  return `${name} AS (
  SELECT coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(tokens), 0)::bigint AS tokens,
    coalesce(sum(cost), 0)::text AS cost_usd, coalesce(sum(unpriced), 0)::bigint AS unpriced
  FROM (
    SELECT sum(h.requests) AS requests, sum(${tokens('h')}) AS tokens, sum(h.cost_usd) AS cost, sum(h.unpriced_requests) AS unpriced
    FROM usage_people_hourly h WHERE h.member_id = (SELECT member_id FROM session) AND h.hour >= ${fromHour}::timestamptz
    UNION ALL
    SELECT count(*), sum(${tokens('r')}), sum(r.cost_usd), count(*) FILTER (WHERE r.cost_usd IS NULL AND ${tokens('r')} > 0)
    FROM requests r WHERE r.member_id = (SELECT member_id FROM session) AND r.started_at >= ${from}::timestamptz AND r.started_at < ${fromHour}::timestamptz
  ) parts
)`;
}

const SQL = `
WITH RECURSIVE
session AS (
  SELECT ${RAW_SUMS}, (array_agg(r.account ORDER BY r.started_at DESC))[1] AS account,
    (array_agg(r.member_id ORDER BY r.started_at DESC) FILTER (WHERE r.member_id IS NOT NULL))[1] AS member_id
  FROM requests r WHERE r.session_id = $1::text
),
${memberSums('mine_today', '$3', '$4')},
${memberSums('mine_month', '$7', '$8')},
who AS (
  SELECT coalesce($2::text, (SELECT account FROM session), (SELECT account FROM requests ORDER BY started_at DESC LIMIT 1)) AS account
),
today AS (
  SELECT coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(tokens), 0)::bigint AS tokens,
    coalesce(sum(cost), 0)::text AS cost_usd, coalesce(sum(unpriced), 0)::bigint AS unpriced
  FROM (
    -- Whole hours from the roll-ups, the part of an hour before them (zones off the hour) from requests.
    SELECT sum(h.requests) AS requests, sum(${tokens('h')}) AS tokens, sum(h.cost_usd) AS cost, sum(h.unpriced_requests) AS unpriced
    FROM usage_hourly h WHERE h.account = (SELECT account FROM who) AND h.hour >= $4::timestamptz
    UNION ALL
    SELECT count(*), sum(${tokens('r')}), sum(r.cost_usd),
      count(*) FILTER (WHERE r.cost_usd IS NULL AND ${tokens('r')} > 0)
    FROM requests r WHERE r.account = (SELECT account FROM who) AND r.started_at >= $3::timestamptz AND r.started_at < $4::timestamptz
  ) parts
),
util AS (
  SELECT s.observed_at, s.unified_status, s.five_hour_utilization, s.five_hour_reset, s.seven_day_utilization, s.seven_day_reset
  FROM rate_limit_snapshots s
  WHERE s.account = (SELECT account FROM who) AND (s.five_hour_utilization IS NOT NULL OR s.seven_day_utilization IS NOT NULL)
  ORDER BY s.observed_at DESC LIMIT 1
),
ended AS (
  SELECT s.five_hour_reset AS reset FROM rate_limit_snapshots s
  WHERE s.account = (SELECT account FROM who) AND s.five_hour_reset IS NOT NULL AND s.five_hour_reset <= $5::timestamptz
  ORDER BY s.five_hour_reset DESC LIMIT 1
),
server AS (
  -- The server's window holding now (not overlapping the one that ended before it).
  SELECT s.five_hour_reset AS reset FROM rate_limit_snapshots s
  WHERE s.account = (SELECT account FROM who) AND s.five_hour_reset IS NOT NULL AND s.five_hour_reset > $5::timestamptz
    AND s.five_hour_reset - interval '5 hours' <= $5::timestamptz
    AND s.five_hour_reset - interval '5 hours' >= coalesce((SELECT reset FROM ended), '-infinity')
  ORDER BY s.five_hour_reset LIMIT 1
),
anchor AS (
  SELECT greatest($6::timestamptz, (SELECT reset FROM ended)) AS at
),
first AS (
  SELECT r.started_at FROM requests r
  WHERE r.account = (SELECT account FROM who) AND r.started_at >= (SELECT at FROM anchor) AND r.started_at <= $5::timestamptz AND ${tokens('r')} > 0
  ORDER BY r.started_at LIMIT 1
),
active_hours AS (
  SELECT h.hour FROM usage_hourly h
  WHERE h.account = (SELECT account FROM who) AND h.hour >= date_trunc('hour', (SELECT at FROM anchor), 'UTC') AND h.hour <= $5::timestamptz
  GROUP BY h.hour HAVING sum(${tokens('h')}) > 0 OR sum(h.cost_usd) <> 0
),
chain(s) AS (
  -- ccusage's blocks: each starts at the first active hour at or after the previous one's end.
  SELECT date_trunc('hour', started_at, 'UTC') FROM first
  UNION ALL
  SELECT (SELECT min(a.hour) FROM active_hours a WHERE a.hour >= chain.s + interval '5 hours')
  FROM chain WHERE chain.s IS NOT NULL AND chain.s + interval '5 hours' <= $5::timestamptz
),
win AS (
  SELECT reset - interval '5 hours' AS start_at, reset AS end_at, reset - interval '5 hours' AS from_at, 'server' AS source FROM server
  UNION ALL
  SELECT c.s, c.s + interval '5 hours', greatest(c.s, (SELECT at FROM anchor)), 'first-request'
  FROM (SELECT max(s) AS s FROM chain) c
  WHERE NOT EXISTS (SELECT 1 FROM server) AND c.s + interval '5 hours' > $5::timestamptz
),
blk AS (
  SELECT ${RAW_SUMS} FROM requests r
  WHERE r.account = (SELECT account FROM who) AND r.started_at >= (SELECT from_at FROM win) AND r.started_at < (SELECT end_at FROM win)
)
SELECT (SELECT account FROM who) AS account, (SELECT member_id FROM session) AS member_id,
  mine_today.requests AS mine_today_requests, mine_today.tokens AS mine_today_tokens, mine_today.cost_usd AS mine_today_cost, mine_today.unpriced AS mine_today_unpriced,
  mine_month.requests AS mine_month_requests, mine_month.tokens AS mine_month_tokens, mine_month.cost_usd AS mine_month_cost, mine_month.unpriced AS mine_month_unpriced,
  session.requests AS session_requests, session.tokens AS session_tokens, session.cost_usd AS session_cost, session.unpriced AS session_unpriced,
  today.requests AS today_requests, today.tokens AS today_tokens, today.cost_usd AS today_cost, today.unpriced AS today_unpriced,
  win.start_at, win.end_at, win.source,
  blk.requests AS block_requests, blk.tokens AS block_tokens, blk.cost_usd AS block_cost, blk.unpriced AS block_unpriced,
  util.observed_at, util.unified_status, util.five_hour_utilization, util.five_hour_reset, util.seven_day_utilization, util.seven_day_reset
FROM session CROSS JOIN today CROSS JOIN blk CROSS JOIN mine_today CROSS JOIN mine_month LEFT JOIN win ON true LEFT JOIN util ON true`;

/**
 * The status line's figures in one round trip. The account, anchor and window are scalar
 * sub-selects, not joins, so PostgreSQL runs them first and uses their values in index conditions.
 */
export async function statuslineFigures(db: Queryable, query: StatuslineQuery): Promise<StatuslineFigures> {
  const dayHour = Math.ceil(query.dayStart.getTime() / 3_600_000) * 3_600_000;
  const monthStart = query.monthStart ?? query.dayStart;
  const monthHour = Math.ceil(monthStart.getTime() / 3_600_000) * 3_600_000;
  const [row] = await db.query(SQL, [
    query.sessionId ?? null,
    query.account ?? null,
    query.dayStart.toISOString(),
    new Date(dayHour).toISOString(),
    query.now.toISOString(),
    new Date(query.now.getTime() - STATUSLINE_LOOKBACK_MS).toISOString(),
    monthStart.toISOString(),
    new Date(monthHour).toISOString(),
  ]);
  if (row === undefined) throw new Error('the status line query returned no row');
  const sums = (prefix: string): StatuslineSums => ({
    requests: Number(row[`${prefix}_requests`] ?? 0),
    tokens: Number(row[`${prefix}_tokens`] ?? 0),
    costUsd: typeof row[`${prefix}_cost`] === 'string' ? (row[`${prefix}_cost`] as string) : '0',
    unpricedRequests: Number(row[`${prefix}_unpriced`] ?? 0),
  });
  const session = sums('session');
  const start = row.start_at as Date | null;
  const end = row.end_at as Date | null;
  const observedAt = row.observed_at as Date | null;
  return {
    account: (row.account as string | null) ?? null,
    session: query.sessionId === undefined || session.requests === 0 ? null : session,
    today: sums('today'),
    member: row.member_id == null ? null : { today: sums('mine_today'), month: query.monthStart === undefined ? null : sums('mine_month') },
    block: start === null || end === null ? null : { start, end, source: row.source === 'server' ? 'server' : 'first-request', ...sums('block') },
    utilization:
      observedAt === null
        ? null
        : {
            observedAt,
            unifiedStatus: (row.unified_status as string | null) ?? null,
            fiveHourUtilization: (row.five_hour_utilization as number | null) ?? null,
            fiveHourReset: (row.five_hour_reset as Date | null) ?? null,
            sevenDayUtilization: (row.seven_day_utilization as number | null) ?? null,
            sevenDayReset: (row.seven_day_reset as Date | null) ?? null,
          },
  };
}
