/**
 * Fast bulk load for the report-query bench: rows generated inside the database with
 * INSERT … SELECT generate_series (same distributions as records.mjs: 30 days, 5 accounts on 2
 * domains, 4 models, priced with the real price table, ~30% rate-limit snapshots), then the roll-ups
 * recomputed from `requests` with the production rebuildRollups() — the same sums writeUsageBatch
 * adds row by row, so usage_hourly and usage_daily end up exactly as if every row had been written
 * through it. checkRollups() verifies that: roll-up totals against sums over the raw rows.
 */
import { performance } from 'node:perf_hooks';
import { costOf } from '../../dist/pricing/index.js';
import { rebuildRollups, usageTotals } from '../../dist/storage/index.js';
import { ACCOUNTS, MODELS } from './records.mjs';

const MODEL_WEIGHTS = [0.3, 0.15, 0.4, 0.15];
const ONE_MILLION = 1_000_000;

/** Pico-USD per token of each bucket for `model` at `at` (base tier, global geo), from costOf. */
function perTokenPrices(model, at) {
  const zero = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0, serverToolUse: {}, serviceTier: 'standard', inferenceGeo: 'global' };
  const per = (fields) => {
    const cost = costOf(model, { ...zero, ...fields }, at);
    if (cost === null) throw new Error(`no price for ${model}`);
    return (cost.picoUsd / BigInt(ONE_MILLION)).toString();
  };
  const M = ONE_MILLION;
  const search = costOf(model, { ...zero, serverToolUse: { web_search_requests: 1 } }, at);
  return {
    model,
    p_in: per({ inputTokens: M }),
    p_out: per({ outputTokens: M }),
    p_5m: per({ cacheWriteTokens: M, cacheWrite5mTokens: M }),
    p_1h: per({ cacheWriteTokens: M, cacheWrite1hTokens: M }),
    p_read: per({ cacheReadTokens: M }),
    p_search: (search?.picoUsd ?? 0n).toString(),
    price_version: search?.priceVersion ?? null,
  };
}

function modelTable(at) {
  let lo = 0;
  return MODELS.map((model, i) => {
    const row = { ...perTokenPrices(model, at), lo, hi: i === MODELS.length - 1 ? 2 : lo + MODEL_WEIGHTS[i] };
    lo = row.hi;
    return row;
  });
}

const INSERT_REQUESTS = `
WITH accounts AS (
  SELECT * FROM jsonb_to_recordset($3::jsonb) AS a(idx int, domain text, account text)
), models AS (
  SELECT * FROM jsonb_to_recordset($4::jsonb)
    AS m(model text, p_in bigint, p_out bigint, p_5m bigint, p_1h bigint, p_read bigint, p_search bigint, price_version text, lo float8, hi float8)
), base AS (
  SELECT g, random() AS r_acct, random() AS r_time, random() AS r_model, random() AS r_end, random() AS r_stream,
    random() AS r_in, random() AS r_out, random() AS r_cw, random() AS r_1h, random() AS r_1hs, random() AS r_read, random() AS r_reads,
    random() AS r_search, random() AS r_ttfb, random() AS r_dur, random() AS r_class
  FROM generate_series($1::int, $2::int) AS g
), ends AS (
  SELECT b.*, a.domain, a.account, m.*,
    CASE WHEN r_end < 0.94 THEN 200 WHEN r_end < 0.97 THEN 429 WHEN r_end < 0.985 THEN 529 WHEN r_end < 0.995 THEN 200 ELSE 0 END AS status,
    CASE WHEN r_end < 0.985 THEN 'completed' WHEN r_end < 0.995 THEN 'aborted' ELSE 'failed' END AS outcome,
    CASE WHEN r_end < 0.94 THEN NULL WHEN r_end < 0.97 THEN 'rate_limit_error' WHEN r_end < 0.985 THEN 'overloaded_error'
      WHEN r_end < 0.995 THEN NULL ELSE 'upstream_timeout' END AS error_type,
    $5::timestamptz - r_time * interval '30 days' AS started_at
  FROM base b
  JOIN accounts a ON a.idx = least(floor(b.r_acct * 5)::int, 4)
  JOIN models m ON b.r_model >= m.lo AND b.r_model < m.hi
), usage AS (
  SELECT e.*, (e.status = 200) AS billed,
    CASE WHEN e.status = 200 THEN 1 + floor(r_in * 4000)::bigint ELSE 0 END AS input_tokens,
    CASE WHEN e.status = 200 THEN 1 + floor(r_out * 3000)::bigint ELSE 0 END AS output_tokens,
    CASE WHEN e.status = 200 THEN floor(r_cw * 8000)::bigint ELSE 0 END AS cw,
    CASE WHEN e.status = 200 AND r_1hs < 0.3 THEN floor(floor(r_cw * 8000) * r_1h)::bigint ELSE 0 END AS cw1h,
    CASE WHEN e.status = 200 AND r_reads < 0.8 THEN floor(r_read * 120000)::bigint ELSE 0 END AS cache_read_tokens,
    CASE WHEN e.status = 200 AND r_search < 0.03 THEN 1 + floor(r_search * 100)::int ELSE 0 END AS searches
  FROM ends e
), sessions AS (
  SELECT u.*, CASE WHEN u.domain = 'ci.nexus' THEN NULL
    ELSE (md5(u.account || ':' || (u.g / 500)::text))::uuid::text END AS session_id  -- ~100 requests a session, as a Claude Code session makes
  FROM usage u
)
INSERT INTO requests (id, upstream_request_id, started_at, domain, account, client_key_id, method, path, model, stream, status,
  outcome, error_type, input_tokens, output_tokens, cache_write_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
  cache_read_tokens, web_search_requests, server_tool_use, service_tier, inference_geo, cost_usd, price_version, ttfb_ms,
  duration_ms, session_id, agent_id, parent_agent_id, request_class, user_agent, conversation_id)
SELECT
  $6 || lpad(to_hex(g), 8, '0'),
  CASE WHEN status = 0 THEN NULL ELSE 'req_011C' || substr(md5(g::text), 1, 20) END,
  started_at, domain, account,
  CASE WHEN domain = 'ci.nexus' THEN 'ck_' || substr(md5(account), 1, 16) END,
  'POST', '/v1/messages', model, r_stream < 0.85, status, outcome, error_type,
  input_tokens, output_tokens, cw, cw - cw1h, cw1h, cache_read_tokens, searches,
  CASE WHEN searches > 0 THEN jsonb_build_object('web_search_requests', searches) END,
  CASE WHEN billed THEN 'standard' END,
  CASE WHEN billed THEN 'global' END,
  CASE WHEN billed THEN ((input_tokens * p_in + output_tokens * p_out + (cw - cw1h) * p_5m + cw1h * p_1h
    + cache_read_tokens * p_read + searches * p_search)::numeric / 1000000000000) ELSE 0 END,
  CASE WHEN billed THEN price_version END,
  CASE WHEN status = 0 THEN NULL ELSE 300 + r_ttfb * 2500 END,
  CASE WHEN status = 0 THEN 0 ELSE 300 + r_ttfb * 2500 END + r_dur * 60000,
  session_id,
  CASE WHEN session_id IS NOT NULL AND r_class < 0.2 THEN 'agent_' || substr(md5(g::text || 'a'), 1, 8) END,
  NULL,
  CASE WHEN session_id IS NULL THEN NULL WHEN r_class < 0.7 THEN 'main' ELSE 'background' END,
  CASE WHEN session_id IS NULL THEN 'claude-nexus-ci/1.4.2' ELSE 'claude-cli/2.1.30 (external, cli)' END,
  coalesce(session_id, 'conv_' || substr(md5(g::text || 'c'), 1, 16))
FROM sessions`;

const INSERT_SNAPSHOTS = `
INSERT INTO rate_limit_snapshots (request_id, observed_at, domain, account, unified_status, five_hour_utilization,
  five_hour_reset, seven_day_utilization, seven_day_reset, headers)
SELECT id, started_at, domain, account, 'allowed', five, date_trunc('second', started_at + r5 * interval '5 hours'),
  seven, date_trunc('second', started_at + r7 * interval '7 days'),
  jsonb_build_object('anthropic-ratelimit-unified-status', 'allowed',
    'anthropic-ratelimit-unified-5h-utilization', five::text, 'anthropic-ratelimit-unified-7d-utilization', seven::text,
    'anthropic-ratelimit-unified-5h-reset', extract(epoch FROM date_trunc('second', started_at + r5 * interval '5 hours'))::bigint::text,
    'anthropic-ratelimit-unified-7d-reset', extract(epoch FROM date_trunc('second', started_at + r7 * interval '7 days'))::bigint::text,
    'anthropic-ratelimit-unified-representative-claim', 'five_hour')
FROM (
  SELECT id, started_at, domain, account, round(random()::numeric, 2)::float8 AS five, round(random()::numeric, 2)::float8 AS seven,
    random() AS r5, random() AS r7
  FROM requests WHERE id >= $1 AND id <= $2 AND status <> 0 AND random() < 0.3
) s`;

/**
 * Inserts `count` generated rows (ids `<prefix><hex n>`) in chunks of `chunk`, each chunk in its own
 * transaction, then rebuilds the roll-ups. Bounded by count and by `maxMs` (stops between chunks).
 * Resolves `{ rows, insertMs, rollupMs }`.
 */
export async function bulkLoad(db, { count, chunk = 100_000, maxMs = 600_000, prefix = 'req_nexus_bulk_', now = new Date(), progress = () => undefined }) {
  const accounts = ACCOUNTS.map((a, idx) => ({ idx, ...a }));
  const models = modelTable(now);
  const t0 = performance.now();
  let rows = 0;
  for (let first = 1; first <= count && performance.now() - t0 < maxMs; first += chunk) {
    const last = Math.min(count, first + chunk - 1);
    await db.transaction(async (tx) => {
      await tx.query('SELECT setseed($1::float8)', [(first % 1000) / 1000]);
      // node-postgres sends JS arrays as PostgreSQL arrays: JSON goes as text.
      await tx.query(INSERT_REQUESTS, [first, last, JSON.stringify(accounts), JSON.stringify(models), now.toISOString(), prefix]);
      const hexId = (n) => `${prefix}${n.toString(16).padStart(8, '0')}`;
      await tx.query(INSERT_SNAPSHOTS, [hexId(first), hexId(last)]);
    });
    rows = last;
    progress(`${rows.toLocaleString('en-US')} rows`);
  }
  const insertMs = performance.now() - t0;
  const t1 = performance.now();
  await rebuildRollups(db, null);
  return { rows, insertMs, rollupMs: performance.now() - t1 };
}

/** Roll-up totals (what the reports read) against the same sums over the raw rows. */
export async function checkRollups(db) {
  const fromRollups = await usageTotals(db, {});
  const [raw] = await db.query(`SELECT count(*)::bigint AS requests,
    count(*) FILTER (WHERE status >= 400 OR outcome = 'failed')::bigint AS errors,
    coalesce(sum(input_tokens), 0)::bigint AS input_tokens, coalesce(sum(output_tokens), 0)::bigint AS output_tokens,
    coalesce(sum(cache_write_tokens), 0)::bigint AS cache_write_tokens, coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens,
    coalesce(sum(cost_usd), 0)::text AS cost_usd FROM requests`);
  const same =
    raw !== undefined &&
    Number(raw.requests) === fromRollups.requests &&
    Number(raw.errors) === fromRollups.errors &&
    Number(raw.input_tokens) === fromRollups.inputTokens &&
    Number(raw.output_tokens) === fromRollups.outputTokens &&
    Number(raw.cache_write_tokens) === fromRollups.cacheWriteTokens &&
    Number(raw.cache_read_tokens) === fromRollups.cacheReadTokens &&
    raw.cost_usd === fromRollups.costUsd;
  return { same, requests: fromRollups.requests, costUsd: fromRollups.costUsd };
}

/**
 * People and projects on a generated ledger: each Claude Code session is one of 20 members' (in 4
 * teams), in one of 12 projects, on `main` or a feature branch; CI requests (no session) are no one's.
 * The caller rebuilds the roll-ups afterwards.
 */
export async function assignPeople(db) {
  await db.query(`INSERT INTO members (id, email) SELECT 'mem_b' || i, 'person' || i || '@bench.example' FROM generate_series(1, 20) AS i`);
  await db.query(`INSERT INTO teams (name) SELECT 'team-' || i FROM generate_series(1, 4) AS i`);
  await db.query(`INSERT INTO member_teams (member_id, team) SELECT 'mem_b' || i, 'team-' || (1 + i % 4) FROM generate_series(1, 20) AS i`);
  await db.query(
    `UPDATE requests SET member_id = 'mem_b' || (1 + abs(hashtext(session_id)) % 20), project = 'project-' || (1 + abs(hashtext(session_id || 'p')) % 12),
       branch = CASE WHEN abs(hashtext(session_id || 'b')) % 3 = 0 THEN 'main' ELSE 'feature/' || abs(hashtext(session_id || 'b')) % 40 END
     WHERE session_id IS NOT NULL`,
  );
}
