/**
 * Conversations (Claude Code sessions, or for clients that send no session id, chains of requests
 * sharing a message prefix) and their requests, plus the server's latest plan utilization.
 */
import type { Queryable } from './database.js';
import { RAW_SUMS, totalsOf, type UsageFilters, type UsageTotals } from './usage-queries.js';

export interface ConversationSummary extends UsageTotals {
  conversationId: string;
  /** Claude Code's session id, when the client sent one. */
  sessionId: string | null;
  domain: string;
  account: string;
  models: string[];
  /** Subagents seen in the conversation. */
  agents: number;
  firstAt: Date;
  lastAt: Date;
}



/** Conversations active in the range, most recent first. */
export async function conversations(db: Queryable, filters: UsageFilters & { limit?: number }): Promise<ConversationSummary[]> {
  const params: unknown[] = [];
  const conditions = ['conversation_id IS NOT NULL'];
  const add = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filters.since !== undefined) add((p) => `started_at >= ${p}::timestamptz`, filters.since.toISOString());
  if (filters.until !== undefined) add((p) => `started_at < ${p}::timestamptz`, filters.until.toISOString());
  if (filters.domain !== undefined) add((p) => `domain = ${p}`, filters.domain);
  if (filters.account !== undefined) add((p) => `account = ${p}`, filters.account);
  if (filters.model !== undefined) add((p) => `model = ${p}`, filters.model);
  params.push(Math.min(Math.max(filters.limit ?? 100, 1), 10_000));
  const rows = await db.query(
    `SELECT conversation_id, max(session_id) AS session_id, min(domain) AS domain, min(account) AS account,
       array_remove(array_agg(DISTINCT model), NULL) AS models, count(DISTINCT agent_id)::int AS agents,
       min(started_at) AS first_at, max(started_at) AS last_at, ${RAW_SUMS}
     FROM requests WHERE ${conditions.join(' AND ')}
     GROUP BY conversation_id ORDER BY max(started_at) DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((row) => ({
    conversationId: String(row.conversation_id),
    sessionId: (row.session_id as string | null) ?? null,
    domain: String(row.domain),
    account: String(row.account),
    models: (row.models as string[]).slice().sort(),
    agents: Number(row.agents),
    firstAt: row.first_at as Date,
    lastAt: row.last_at as Date,
    ...totalsOf(row),
  }));
}

export interface PlanUtilization {
  account: string;
  observedAt: Date;
  unifiedStatus: string | null;
  fiveHourUtilization: number | null;
  fiveHourReset: Date | null;
  sevenDayUtilization: number | null;
  sevenDayReset: Date | null;
}

/** The server's most recent 5-hour and 7-day utilization per account (from its rate-limit headers). */
export async function latestPlanUtilization(db: Queryable): Promise<PlanUtilization[]> {
  // A skip scan over the accounts, then the newest snapshot of each: index probes, not a scan of
  // every snapshot (there is one per OAuth response).
  const rows = await db.query(
    `WITH RECURSIVE accounts(account) AS (
       (SELECT account FROM rate_limit_snapshots ORDER BY account LIMIT 1)
       UNION ALL
       SELECT (SELECT s.account FROM rate_limit_snapshots s WHERE s.account > accounts.account ORDER BY s.account LIMIT 1)
       FROM accounts WHERE accounts.account IS NOT NULL
     )
     SELECT latest.* FROM accounts CROSS JOIN LATERAL (
       SELECT account, observed_at, unified_status, five_hour_utilization, five_hour_reset, seven_day_utilization, seven_day_reset
       FROM rate_limit_snapshots s
       WHERE s.account = accounts.account AND (five_hour_utilization IS NOT NULL OR seven_day_utilization IS NOT NULL)
       ORDER BY observed_at DESC LIMIT 1
     ) latest
     ORDER BY latest.account`,
  );
  return rows.map((row) => ({
    account: String(row.account),
    observedAt: row.observed_at as Date,
    unifiedStatus: (row.unified_status as string | null) ?? null,
    fiveHourUtilization: (row.five_hour_utilization as number | null) ?? null,
    fiveHourReset: (row.five_hour_reset as Date | null) ?? null,
    sevenDayUtilization: (row.seven_day_utilization as number | null) ?? null,
    sevenDayReset: (row.seven_day_reset as Date | null) ?? null,
  }));
}

export interface UsageEntry {
  at: Date;
  account: string;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: string | null;
}

/** Raw entries in a range (for 5-hour blocks), oldest first. */
export async function usageEntries(db: Queryable, filters: UsageFilters): Promise<UsageEntry[]> {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const add = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (filters.since !== undefined) add((p) => `started_at >= ${p}::timestamptz`, filters.since.toISOString());
  if (filters.until !== undefined) add((p) => `started_at < ${p}::timestamptz`, filters.until.toISOString());
  if (filters.account !== undefined) add((p) => `account = ${p}`, filters.account);
  if (filters.domain !== undefined) add((p) => `domain = ${p}`, filters.domain);
  const rows = await db.query(
    `SELECT started_at, account, model, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd::text AS cost_usd
     FROM requests ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`} ORDER BY started_at`,
    params,
  );
  return rows.map((row) => ({
    at: row.started_at as Date,
    account: String(row.account),
    model: (row.model as string | null) ?? null,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    costUsd: (row.cost_usd as string | null) ?? null,
  }));
}

/** Distinct 5-hour reset times the server announced (per account, or all), for aligning blocks. */
export async function fiveHourResets(db: Queryable, filters: { account?: string | undefined; since?: Date | undefined }): Promise<Date[]> {
  const params: unknown[] = [];
  const conditions = ['five_hour_reset IS NOT NULL'];
  if (filters.account !== undefined) {
    params.push(filters.account);
    conditions.push(`account = $${params.length}`);
  }
  if (filters.since !== undefined) {
    params.push(filters.since.toISOString());
    conditions.push(`five_hour_reset > $${params.length}::timestamptz`);
  }
  const rows = await db.query(`SELECT DISTINCT five_hour_reset FROM rate_limit_snapshots WHERE ${conditions.join(' AND ')} ORDER BY 1`, params);
  return rows.map((row) => row.five_hour_reset as Date);
}
