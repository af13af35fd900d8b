/**
 * Writes a batch of usage records in one transaction: rows whose id is already stored are skipped
 * (replays are idempotent), and the hourly and daily roll-ups grow by exactly the rows inserted,
 * summed by PostgreSQL in NUMERIC so money stays exact.
 */
import type { Database, Queryable } from './database.js';
import type { StoredBodies, UsageRecord } from './usage-records.js';

type Column = [name: string, sqlType: string, value: (record: UsageRecord) => unknown];

const REQUEST_COLUMNS: Column[] = [
  ['id', 'text', (r) => r.id],
  ['upstream_request_id', 'text', (r) => r.upstreamRequestId],
  ['started_at', 'timestamptz', (r) => r.startedAt],
  ['domain', 'text', (r) => r.domain],
  ['account', 'text', (r) => r.account],
  ['client_key_id', 'text', (r) => r.clientKeyId],
  ['method', 'text', (r) => r.method],
  ['path', 'text', (r) => r.path],
  ['model', 'text', (r) => r.model],
  ['stream', 'boolean', (r) => r.stream],
  ['status', 'integer', (r) => r.status],
  ['outcome', 'text', (r) => r.outcome],
  ['error_type', 'text', (r) => r.errorType],
  ['input_tokens', 'bigint', (r) => r.inputTokens],
  ['output_tokens', 'bigint', (r) => r.outputTokens],
  ['cache_write_tokens', 'bigint', (r) => r.cacheWriteTokens],
  ['cache_write_5m_tokens', 'bigint', (r) => r.cacheWrite5mTokens],
  ['cache_write_1h_tokens', 'bigint', (r) => r.cacheWrite1hTokens],
  ['cache_read_tokens', 'bigint', (r) => r.cacheReadTokens],
  ['web_search_requests', 'integer', (r) => r.webSearchRequests],
  ['server_tool_use', 'jsonb', (r) => r.serverToolUse],
  ['service_tier', 'text', (r) => r.serviceTier],
  ['inference_geo', 'text', (r) => r.inferenceGeo],
  ['cost_usd', 'numeric', (r) => r.costUsd],
  ['price_version', 'text', (r) => r.priceVersion],
  ['ttfb_ms', 'double precision', (r) => r.ttfbMs],
  ['duration_ms', 'double precision', (r) => r.durationMs],
  ['session_id', 'text', (r) => r.sessionId],
  ['agent_id', 'text', (r) => r.agentId],
  ['parent_agent_id', 'text', (r) => r.parentAgentId],
  ['request_class', 'text', (r) => r.requestClass],
  ['user_agent', 'text', (r) => r.userAgent],
  ['conversation_id', 'text', (r) => r.conversationId],
];

/** Sums a roll-up row grows by; `errors` counts failures and error statuses. */
const ROLLUP_SUMS = `count(*),
  count(*) FILTER (WHERE status >= 400 OR outcome = 'failed'),
  sum(input_tokens), sum(output_tokens), sum(cache_write_tokens), sum(cache_write_5m_tokens),
  sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(web_search_requests),
  coalesce(sum(cost_usd), 0),
  count(*) FILTER (WHERE cost_usd IS NULL AND input_tokens + output_tokens + cache_write_tokens + cache_read_tokens > 0)`;

const ROLLUP_COLUMNS = `requests, errors, input_tokens, output_tokens, cache_write_tokens, cache_write_5m_tokens,
  cache_write_1h_tokens, cache_read_tokens, web_search_requests, cost_usd, unpriced_requests`;

const ROLLUP_UPDATE = ROLLUP_COLUMNS.split(',')
  .map((column) => column.trim())
  .map((column) => `${column} = %T.${column} + EXCLUDED.${column}`)
  .join(', ');

/** Rows per statement: far below PostgreSQL's 65,535 parameters. */
const MAX_ROWS_PER_STATEMENT = 500;

export async function writeUsageBatch(db: Database, records: readonly UsageRecord[], bodies: readonly StoredBodies[] = []): Promise<number> {
  if (records.length === 0 && bodies.length === 0) return 0;
  return db.transaction(async (tx) => {
    let inserted = 0;
    for (let start = 0; start < records.length; start += MAX_ROWS_PER_STATEMENT) {
      const chunk = records.slice(start, start + MAX_ROWS_PER_STATEMENT);
      inserted += await insertRequestsWithRollups(tx, chunk);
      await insertRateLimitSnapshots(tx, chunk);
    }
    await insertBodies(tx, bodies);
    return inserted;
  });
}

async function insertRequestsWithRollups(tx: Queryable, records: readonly UsageRecord[]): Promise<number> {
  const params: unknown[] = [];
  const rows = records.map((record) => {
    const placeholders = REQUEST_COLUMNS.map(([, type, value]) => {
      params.push(value(record));
      return `$${params.length}::${type}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const columns = REQUEST_COLUMNS.map(([name]) => name).join(', ');
  const result = await tx.query<{ inserted: number }>(
    `WITH inserted AS (
       INSERT INTO requests (${columns}) VALUES ${rows.join(', ')}
       ON CONFLICT (id) DO NOTHING
       RETURNING *
     ), hourly AS (
       INSERT INTO usage_hourly (hour, domain, account, model, ${ROLLUP_COLUMNS})
       SELECT date_trunc('hour', started_at, 'UTC'), domain, account, coalesce(model, ''), ${ROLLUP_SUMS}
       FROM inserted GROUP BY 1, 2, 3, 4
       ON CONFLICT (hour, domain, account, model) DO UPDATE SET ${ROLLUP_UPDATE.replaceAll('%T', 'usage_hourly')}
     ), daily AS (
       INSERT INTO usage_daily (day, domain, account, model, ${ROLLUP_COLUMNS})
       SELECT (started_at AT TIME ZONE 'UTC')::date, domain, account, coalesce(model, ''), ${ROLLUP_SUMS}
       FROM inserted GROUP BY 1, 2, 3, 4
       ON CONFLICT (day, domain, account, model) DO UPDATE SET ${ROLLUP_UPDATE.replaceAll('%T', 'usage_daily')}
     )
     SELECT count(*)::int AS inserted FROM inserted`,
    params,
  );
  return result[0]?.inserted ?? 0;
}

async function insertRateLimitSnapshots(tx: Queryable, records: readonly UsageRecord[]): Promise<void> {
  const params: unknown[] = [];
  const rows: string[] = [];
  for (const record of records) {
    const snapshot = record.rateLimit;
    if (snapshot === null) continue;
    const values = [
      record.id,
      record.startedAt,
      record.domain,
      record.account,
      snapshot.unifiedStatus,
      snapshot.fiveHourUtilization,
      snapshot.fiveHourReset,
      snapshot.sevenDayUtilization,
      snapshot.sevenDayReset,
      snapshot.headers,
    ];
    const types = ['text', 'timestamptz', 'text', 'text', 'text', 'double precision', 'timestamptz', 'double precision', 'timestamptz', 'jsonb'];
    rows.push(`(${values.map((value, i) => (params.push(value), `$${params.length}::${types[i] ?? 'text'}`)).join(', ')})`);
  }
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO rate_limit_snapshots (request_id, observed_at, domain, account, unified_status, five_hour_utilization,
       five_hour_reset, seven_day_utilization, seven_day_reset, headers)
     VALUES ${rows.join(', ')} ON CONFLICT (request_id) DO NOTHING`,
    params,
  );
}

async function insertBodies(tx: Queryable, bodies: readonly StoredBodies[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += MAX_ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const types = ['text', 'timestamptz', 'jsonb', 'jsonb', 'bytea', 'bytea', 'boolean', 'boolean'];
    const rows = bodies.slice(start, start + MAX_ROWS_PER_STATEMENT).map((body) => {
      const values = [
        body.requestId,
        body.storedAt,
        body.requestHeaders,
        body.responseHeaders,
        body.requestBody,
        body.responseBody,
        body.requestTruncated,
        body.responseTruncated,
      ];
      return `(${values.map((value, i) => (params.push(value), `$${params.length}::${types[i] ?? 'text'}`)).join(', ')})`;
    });
    await tx.query(
      `INSERT INTO request_bodies (request_id, stored_at, request_headers, response_headers, request_body, response_body,
         request_truncated, response_truncated)
       VALUES ${rows.join(', ')} ON CONFLICT (request_id) DO NOTHING`,
      params,
    );
  }
}

/** Deletes stored bodies older than `before`; usage records and roll-ups stay. */
export async function pruneBodies(db: Database, before: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'WITH gone AS (DELETE FROM request_bodies WHERE stored_at < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM gone',
    [before.toISOString()],
  );
  return rows[0]?.n ?? 0;
}

const ROLLUP_SUMS_FROM_REQUESTS = ROLLUP_SUMS;

/**
 * Recomputes the roll-ups from the requests table for everything from `since` (rounded down to
 * its UTC day) on, after costs were changed in place (`nexus reprice`). Writers wait meanwhile.
 */
export async function rebuildRollups(db: Database, since: Date | null): Promise<void> {
  const from = since === null ? null : new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const params = from === null ? [] : [from.toISOString()];
  const range = (column: string): string => (from === null ? '' : `WHERE ${column} >= $1::timestamptz`);
  await db.transaction(async (tx) => {
    await tx.query('LOCK TABLE usage_hourly, usage_daily IN EXCLUSIVE MODE');
    await tx.query(`DELETE FROM usage_hourly ${range('hour')}`, params);
    await tx.query(`DELETE FROM usage_daily ${from === null ? '' : 'WHERE day >= ($1::timestamptz AT TIME ZONE \'UTC\')::date'}`, params);
    await tx.query(
      `INSERT INTO usage_hourly (hour, domain, account, model, ${ROLLUP_COLUMNS})
       SELECT date_trunc('hour', started_at, 'UTC'), domain, account, coalesce(model, ''), ${ROLLUP_SUMS_FROM_REQUESTS}
       FROM requests ${range('started_at')} GROUP BY 1, 2, 3, 4`,
      params,
    );
    await tx.query(
      `INSERT INTO usage_daily (day, domain, account, model, ${ROLLUP_COLUMNS})
       SELECT (started_at AT TIME ZONE 'UTC')::date, domain, account, coalesce(model, ''), ${ROLLUP_SUMS_FROM_REQUESTS}
       FROM requests ${range('started_at')} GROUP BY 1, 2, 3, 4`,
      params,
    );
  });
}
