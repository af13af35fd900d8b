/**
 * Writes a batch of usage records in one statement: the batch travels as ONE JSON parameter (the
 * same lines the spool holds) and PostgreSQL unpacks it with json_to_recordset, so the proxy does
 * no per-field work. Rows whose id is already stored are skipped (replays are idempotent), and the
 * hourly and daily roll-ups grow by exactly the rows inserted, summed in NUMERIC so money stays exact.
 */
import type { Database, Queryable } from './database.js';
import type { UsageRecord } from './usage-records.js';

/** [column in `requests`, key in the record's JSON, SQL type]. */
const REQUEST_COLUMNS: [column: string, key: keyof UsageRecord, sqlType: string][] = [
  ['id', 'id', 'text'],
  ['upstream_request_id', 'upstreamRequestId', 'text'],
  ['started_at', 'startedAt', 'timestamptz'],
  ['domain', 'domain', 'text'],
  ['account', 'account', 'text'],
  ['client_key_id', 'clientKeyId', 'text'],
  ['method', 'method', 'text'],
  ['path', 'path', 'text'],
  ['model', 'model', 'text'],
  ['stream', 'stream', 'boolean'],
  ['status', 'status', 'integer'],
  ['outcome', 'outcome', 'text'],
  ['error_type', 'errorType', 'text'],
  ['input_tokens', 'inputTokens', 'bigint'],
  ['output_tokens', 'outputTokens', 'bigint'],
  ['cache_write_tokens', 'cacheWriteTokens', 'bigint'],
  ['cache_write_5m_tokens', 'cacheWrite5mTokens', 'bigint'],
  ['cache_write_1h_tokens', 'cacheWrite1hTokens', 'bigint'],
  ['cache_read_tokens', 'cacheReadTokens', 'bigint'],
  ['web_search_requests', 'webSearchRequests', 'integer'],
  ['server_tool_use', 'serverToolUse', 'jsonb'],
  ['service_tier', 'serviceTier', 'text'],
  ['inference_geo', 'inferenceGeo', 'text'],
  ['cost_usd', 'costUsd', 'numeric'],
  ['price_version', 'priceVersion', 'text'],
  ['ttfb_ms', 'ttfbMs', 'double precision'],
  ['duration_ms', 'durationMs', 'double precision'],
  ['session_id', 'sessionId', 'text'],
  ['agent_id', 'agentId', 'text'],
  ['parent_agent_id', 'parentAgentId', 'text'],
  ['request_class', 'requestClass', 'text'],
  ['user_agent', 'userAgent', 'text'],
  ['conversation_id', 'conversationId', 'text'],
  ['member_id', 'memberId', 'text'],
  ['teams', 'teams', 'text[]'],
  ['project', 'project', 'text'],
  ['branch', 'branch', 'text'],
];

/**
 * What a column is filled with, when not the record's own value: a passthrough client whose
 * fingerprint an admin linked to a member counts as that member, and a request without a project
 * of its own (a subagent's) takes its session's.
 */
const COLUMN_VALUES: Partial<Record<string, string>> = {
  member_id: `coalesce(
    (SELECT m.id FROM members m WHERE "memberEmail" IS NOT NULL AND lower(m.email) = lower("memberEmail") AND m.removed_at IS NULL),
    "memberId",
    (SELECT f.member_id FROM member_fingerprints f WHERE f.fingerprint = "account"))`,
  project: `coalesce("project", (SELECT s.project FROM usage_sessions s WHERE s.conversation_id = "conversationId" AND s.project IS NOT NULL LIMIT 1))`,
  branch: `coalesce("branch", (SELECT s.branch FROM usage_sessions s WHERE s.conversation_id = "conversationId" AND s.branch IS NOT NULL LIMIT 1))`,
};

/** How json_to_recordset reads a record line: every request column, plus the nested parts and the gateway's person. */
const RECORD_SHAPE = [...REQUEST_COLUMNS.map(([, key, type]) => `"${key}" ${type}`), '"rateLimit" json', '"bodies" json', '"memberEmail" text'].join(', ');

/** People a gateway named for the first time become members (GATEWAY_CREATE_MEMBERS), before their requests are written. */
const CREATE_GATEWAY_MEMBERS = `INSERT INTO members (id, email)
  SELECT DISTINCT ON (lower(r."memberEmail")) 'mem_' || substr(md5(random()::text || clock_timestamp()::text), 1, 12), r."memberEmail"
  FROM json_to_recordset($1::json) AS r("memberEmail" text, "createMember" boolean)
  WHERE r."createMember" AND r."memberEmail" IS NOT NULL
  ON CONFLICT DO NOTHING`;

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

const SESSION_UPDATE = `session_id = coalesce(EXCLUDED.session_id, usage_sessions.session_id),
  member_id = coalesce(EXCLUDED.member_id, usage_sessions.member_id), project = coalesce(EXCLUDED.project, usage_sessions.project),
  branch = coalesce(EXCLUDED.branch, usage_sessions.branch),
  first_at = least(usage_sessions.first_at, EXCLUDED.first_at), last_at = greatest(usage_sessions.last_at, EXCLUDED.last_at),
  ${ROLLUP_UPDATE.replaceAll('%T', 'usage_sessions')}`;

/** The NOTIFY channel that carries the ids of newly written requests. */
export const USAGE_CHANNEL = 'nexus_usage_written';

const INSERT_BATCH = `WITH batch AS (
    SELECT * FROM json_to_recordset($1::json) AS r(${RECORD_SHAPE})
  ), inserted AS (
    INSERT INTO requests (${REQUEST_COLUMNS.map(([column]) => column).join(', ')})
    SELECT ${REQUEST_COLUMNS.map(([column, key]) => COLUMN_VALUES[column] ?? `"${key}"`).join(', ')} FROM batch
    ON CONFLICT (id) DO NOTHING
    RETURNING *
  ), hourly AS (
    INSERT INTO usage_hourly (hour, domain, account, model, ${ROLLUP_COLUMNS})
    SELECT date_trunc('hour', started_at, 'UTC'), domain, account, coalesce(model, ''), ${ROLLUP_SUMS}
    FROM inserted GROUP BY 1, 2, 3, 4
    ON CONFLICT (hour, domain, account, model) DO UPDATE SET ${ROLLUP_UPDATE.replaceAll('%T', 'usage_hourly')}
  ), people_hourly AS (
    INSERT INTO usage_people_hourly (hour, domain, account, model, member_id, project, ${ROLLUP_COLUMNS})
    SELECT date_trunc('hour', started_at, 'UTC'), domain, account, coalesce(model, ''), coalesce(member_id, ''), coalesce(project, ''), ${ROLLUP_SUMS}
    FROM inserted GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (hour, domain, account, model, member_id, project) DO UPDATE SET ${ROLLUP_UPDATE.replaceAll('%T', 'usage_people_hourly')}
  ), daily AS (
    INSERT INTO usage_daily (day, domain, account, model, ${ROLLUP_COLUMNS})
    SELECT (started_at AT TIME ZONE 'UTC')::date, domain, account, coalesce(model, ''), ${ROLLUP_SUMS}
    FROM inserted GROUP BY 1, 2, 3, 4
    ON CONFLICT (day, domain, account, model) DO UPDATE SET ${ROLLUP_UPDATE.replaceAll('%T', 'usage_daily')}
  ), sessions AS (
    INSERT INTO usage_sessions (conversation_id, domain, account, model, session_id, member_id, project, branch, first_at, last_at, ${ROLLUP_COLUMNS})
    SELECT conversation_id, domain, account, coalesce(model, ''), max(session_id), max(member_id), max(project), max(branch),
      min(started_at), max(started_at), ${ROLLUP_SUMS}
    FROM inserted WHERE conversation_id IS NOT NULL GROUP BY 1, 2, 3, 4
    ON CONFLICT (conversation_id, domain, account, model) DO UPDATE SET ${SESSION_UPDATE}
  ), limits AS (
    -- The nested parts are unpacked once each by json_to_record: every -> on a json value would
    -- parse its text again (measured: half of PostgreSQL's CPU per record went to that).
    INSERT INTO rate_limit_snapshots (request_id, observed_at, domain, account, unified_status, five_hour_utilization,
      five_hour_reset, seven_day_utilization, seven_day_reset, headers)
    SELECT "id", "startedAt", "domain", "account", l."unifiedStatus", l."fiveHourUtilization", l."fiveHourReset",
      l."sevenDayUtilization", l."sevenDayReset", l.headers
    FROM batch CROSS JOIN LATERAL json_to_record("rateLimit") AS l("unifiedStatus" text, "fiveHourUtilization" double precision,
      "fiveHourReset" timestamptz, "sevenDayUtilization" double precision, "sevenDayReset" timestamptz, headers jsonb)
    WHERE "rateLimit" IS NOT NULL
    ON CONFLICT (request_id) DO NOTHING
  ), bodies AS (
    INSERT INTO request_bodies (request_id, stored_at, request_headers, response_headers, request_text, response_text,
      request_truncated, response_truncated)
    SELECT "id", "startedAt", b."requestHeaders", b."responseHeaders", b.request, b.response,
      coalesce(b."requestTruncated", false), coalesce(b."responseTruncated", false)
    FROM batch CROSS JOIN LATERAL json_to_record("bodies") AS b("requestHeaders" jsonb, "responseHeaders" jsonb, request text,
      response text, "requestTruncated" boolean, "responseTruncated" boolean)
    WHERE "bodies" IS NOT NULL
    ON CONFLICT (request_id) DO NOTHING
  ), notified AS (
    -- Other processes (a dashboard, other instances) learn of new rows by id, 100 to a notification
    -- (ids are ours, short: far below NOTIFY's 8000-byte payload limit). Sent on commit only.
    SELECT pg_notify('${USAGE_CHANNEL}', json_agg(id)::text) FROM (SELECT id, (row_number() OVER () - 1) / 100 AS chunk FROM inserted) ids GROUP BY chunk
  )
  SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM notified)::int AS notifications`;

/** A statement carries at most this many records or this much JSON. */
const MAX_RECORDS_PER_STATEMENT = 1000;
const MAX_JSON_PER_STATEMENT = 16 * 1024 * 1024;

/** Writes records given as objects; returns how many were new. */
export function writeUsageBatch(db: Database, records: readonly UsageRecord[]): Promise<number> {
  return writeSerializedUsage(db, records.map((record) => JSON.stringify(record)));
}

/**
 * Writes records given as their JSON lines (as the spool holds them); returns how many were new.
 * All of them land in one transaction.
 */
export async function writeSerializedUsage(db: Database, lines: readonly string[]): Promise<number> {
  if (lines.length === 0) return 0;
  const statements = chunk(lines);
  if (statements.length === 1) return insertBatch(db, statements[0] ?? '[]');
  return db.transaction(async (tx) => {
    let inserted = 0;
    for (const json of statements) inserted += await insertBatch(tx, json);
    return inserted;
  });
}

async function insertBatch(db: Queryable, json: string): Promise<number> {
  if (json.includes('"createMember":true')) await db.query(CREATE_GATEWAY_MEMBERS, [json]);
  // Prepared: planning this statement cost PostgreSQL ~2 ms of CPU each time, more than writing 10 records.
  const [row] = await db.query<{ inserted: number }>(INSERT_BATCH, [json], { preparedAs: 'nexus_insert_usage_batch' });
  return row?.inserted ?? 0;
}

/** JSON arrays of lines, each within the per-statement limits. */
function chunk(lines: readonly string[]): string[] {
  const arrays: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const line of lines) {
    if (current.length > 0 && (current.length >= MAX_RECORDS_PER_STATEMENT || size + line.length > MAX_JSON_PER_STATEMENT)) {
      arrays.push(`[${current.join(',')}]`);
      current = [];
      size = 0;
    }
    current.push(line);
    size += line.length + 1;
  }
  if (current.length > 0) arrays.push(`[${current.join(',')}]`);
  return arrays;
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

/** The people roll-up's columns filled from `requests` (append the WHERE and GROUP BY 1-6). */
const PEOPLE_ROLLUP_FROM_REQUESTS = `(hour, domain, account, model, member_id, project, ${ROLLUP_COLUMNS})
  SELECT date_trunc('hour', started_at, 'UTC'), domain, account, coalesce(model, ''), coalesce(member_id, ''), coalesce(project, ''),
    ${ROLLUP_SUMS_FROM_REQUESTS}
  FROM requests`;

/**
 * Rebuilds one account's people roll-up from its requests, inside the caller's transaction, after
 * its rows changed member (a passthrough fingerprint linked to a member). Writers wait meanwhile, so
 * no batch lands between the delete and the insert. The other roll-ups hold no member.
 */
export async function rebuildAccountRollups(tx: Queryable, account: string): Promise<void> {
  await tx.query('LOCK TABLE usage_people_hourly IN SHARE ROW EXCLUSIVE MODE');
  await tx.query('DELETE FROM usage_people_hourly WHERE account = $1', [account]);
  await tx.query(`INSERT INTO usage_people_hourly ${PEOPLE_ROLLUP_FROM_REQUESTS} WHERE account = $1 GROUP BY 1, 2, 3, 4, 5, 6`, [account]);
}

/**
 * Recomputes the roll-ups from the requests table for everything from `since` (rounded down to
 * its UTC day) on, after costs were changed in place (`nexus reprice`). Writers wait meanwhile.
 */
export async function rebuildRollups(db: Database, since: Date | null): Promise<void> {
  const from = since === null ? null : new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const params = from === null ? [] : [from.toISOString()];
  const range = (column: string): string => (from === null ? '' : `WHERE ${column} >= $1::timestamptz`);
  await db.transaction(async (tx) => {
    await tx.query('LOCK TABLE usage_hourly, usage_people_hourly, usage_daily, usage_sessions IN EXCLUSIVE MODE');
    await tx.query(`DELETE FROM usage_hourly ${range('hour')}`, params);
    await tx.query(`DELETE FROM usage_people_hourly ${range('hour')}`, params);
    await tx.query(`DELETE FROM usage_daily ${from === null ? '' : 'WHERE day >= ($1::timestamptz AT TIME ZONE \'UTC\')::date'}`, params);
    await tx.query(
      `INSERT INTO usage_hourly (hour, domain, account, model, ${ROLLUP_COLUMNS})
       SELECT date_trunc('hour', started_at, 'UTC'), domain, account, coalesce(model, ''), ${ROLLUP_SUMS_FROM_REQUESTS}
       FROM requests ${range('started_at')} GROUP BY 1, 2, 3, 4`,
      params,
    );
    await tx.query(`INSERT INTO usage_people_hourly ${PEOPLE_ROLLUP_FROM_REQUESTS} ${range('started_at')} GROUP BY 1, 2, 3, 4, 5, 6`, params);
    await tx.query(
      `INSERT INTO usage_daily (day, domain, account, model, ${ROLLUP_COLUMNS})
       SELECT (started_at AT TIME ZONE 'UTC')::date, domain, account, coalesce(model, ''), ${ROLLUP_SUMS_FROM_REQUESTS}
       FROM requests ${range('started_at')} GROUP BY 1, 2, 3, 4`,
      params,
    );
    // A session is rebuilt whole when any of its requests is in the range.
    const touched =
      from === null ? 'conversation_id IS NOT NULL' : 'conversation_id IN (SELECT conversation_id FROM requests WHERE started_at >= $1::timestamptz)';
    await tx.query(`DELETE FROM usage_sessions ${from === null ? '' : `WHERE ${touched}`}`, params);
    await tx.query(
      `INSERT INTO usage_sessions (conversation_id, domain, account, model, session_id, member_id, project, branch, first_at, last_at, ${ROLLUP_COLUMNS})
       SELECT conversation_id, domain, account, coalesce(model, ''), max(session_id), max(member_id), max(project), max(branch),
         min(started_at), max(started_at), ${ROLLUP_SUMS_FROM_REQUESTS}
       FROM requests WHERE ${touched} GROUP BY 1, 2, 3, 4`,
      params,
    );
  });
}
