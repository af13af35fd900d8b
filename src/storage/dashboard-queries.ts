/**
 * The dashboard's own reads: the latest requests and the server's plan utilization over time (the
 * requests page reads request-queries.ts, conversations session-queries.ts). Each one is bounded by
 * time or by a LIMIT on an index, so a page stays fast however large the ledger grows.
 */
import type { Queryable } from './database.js';

export interface TimeBounds {
  /** Inclusive. */
  since: Date;
  /** Exclusive. */
  until: Date;
}

export interface RecentRequest {
  id: string;
  startedAt: Date;
  domain: string;
  account: string;
  model: string | null;
  status: number;
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: string | null;
  durationMs: number;
}

/** The newest requests, newest first (an index scan on started_at, stopped at `limit`). */
export async function latestRequests(db: Queryable, limit: number): Promise<RecentRequest[]> {
  const rows = await db.query(
    `SELECT id, started_at, domain, account, model, status, outcome, input_tokens, output_tokens, cache_write_tokens,
       cache_read_tokens, cost_usd::text AS cost_usd, duration_ms
     FROM requests ORDER BY started_at DESC LIMIT $1`,
    [Math.min(Math.max(limit, 1), 100)],
  );
  return rows.map((row) => ({
    id: String(row.id),
    startedAt: row.started_at as Date,
    domain: String(row.domain),
    account: String(row.account),
    model: (row.model as string | null) ?? null,
    status: Number(row.status),
    outcome: String(row.outcome),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    costUsd: (row.cost_usd as string | null) ?? null,
    durationMs: Number(row.duration_ms),
  }));
}

export interface UtilizationPoint {
  account: string;
  /** Start of the time slot the point summarises. */
  at: Date;
  /** Highest 5-hour utilization the server reported in the slot (0–1, may pass 1). */
  fiveHour: number | null;
  sevenDay: number | null;
}

/**
 * The server-reported utilization per account over a range, in at most ~`points` slots per account
 * (each slot keeps its highest value, so a peak is never averaged away). Oldest first.
 */
export async function utilizationHistory(db: Queryable, query: TimeBounds & { points: number; account?: string | undefined }): Promise<UtilizationPoint[]> {
  const spanSeconds = Math.max((query.until.getTime() - query.since.getTime()) / 1000, 1);
  const slotSeconds = Math.max(Math.ceil(spanSeconds / Math.max(query.points, 1)), 60);
  const params: unknown[] = [query.since.toISOString(), query.until.toISOString(), slotSeconds];
  const accountCondition = query.account === undefined ? '' : `AND account = $${params.push(query.account)}`;
  const rows = await db.query(
    `SELECT account, to_timestamp(floor(extract(epoch FROM observed_at)::float8 / $3::float8) * $3::float8) AS at,
       max(five_hour_utilization) AS five_hour, max(seven_day_utilization) AS seven_day
     FROM rate_limit_snapshots
     WHERE observed_at >= $1::timestamptz AND observed_at < $2::timestamptz
       AND (five_hour_utilization IS NOT NULL OR seven_day_utilization IS NOT NULL) ${accountCondition}
     GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
  return rows.map((row) => ({
    account: String(row.account),
    at: row.at as Date,
    fiveHour: row.five_hour === null ? null : Number(row.five_hour),
    sevenDay: row.seven_day === null ? null : Number(row.seven_day),
  }));
}
