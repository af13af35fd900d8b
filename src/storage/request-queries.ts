/**
 * The requests page's reads: one page of requests newest first by KEYSET (started_at, id) — never
 * OFFSET, so the thousandth page costs what the first does — their count, one request in full, and
 * the values the filters offer. Every read is bounded by an index and a LIMIT.
 */
import type { Queryable } from './database.js';
import type { RequestOutcome } from './usage-records.js';
import { peopleConditions, rollupFor } from './usage-queries.js';

/** `ok`: neither an error status nor a failure (as the roll-ups count errors); or one HTTP status (0: none). */
export type StatusFilter = 'ok' | 'errors' | number;

export interface RequestFilters {
  /** Inclusive. */
  since: Date;
  /** Exclusive. */
  until: Date;
  domain?: string | undefined;
  account?: string | undefined;
  model?: string | undefined;
  status?: StatusFilter | undefined;
  /** The conversation (its id, or the Claude Code session id it is scoped from, or the hash of a sessionless conversation). */
  conversationId?: string | undefined;
  /** A member by email, a team (its members), a project. */
  member?: string | undefined;
  team?: string | undefined;
  project?: string | undefined;
}

/** A position in the newest-first order: a request's start in µs since the epoch (exact), and its id. */
export interface RequestCursor {
  atMicros: string;
  id: string;
}

/** One row of the requests table. */
export interface RequestSummary {
  id: string;
  startedAt: Date;
  /** This row as a cursor (for the page links). */
  cursor: RequestCursor;
  domain: string;
  account: string;
  model: string | null;
  method: string;
  path: string;
  stream: boolean;
  status: number;
  outcome: RequestOutcome;
  errorType: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  /** Exact decimal string; null when the model's price is unknown. */
  costUsd: string | null;
  priceVersion: string | null;
  ttfbMs: number | null;
  durationMs: number;
  sessionId: string | null;
  agentId: string | null;
  parentAgentId: string | null;
  conversationId: string | null;
  /** The member it is attributed to (email), its project and git branch. */
  member: string | null;
  project: string | null;
  branch: string | null;
}

/** A request with everything the ledger keeps of it. */
export interface RequestDetail extends RequestSummary {
  upstreamRequestId: string | null;
  clientKeyId: string | null;
  cacheWriteTokens: number;
  webSearchRequests: number;
  serverToolUse: Record<string, number> | null;
  serviceTier: string | null;
  inferenceGeo: string | null;
  requestClass: string | null;
  userAgent: string | null;
}

const SUMMARY_COLUMNS = `id, started_at, (extract(epoch FROM started_at) * 1000000)::bigint::text AS at_micros, domain, account,
  model, method, path, stream, status, outcome, error_type, input_tokens, output_tokens, cache_write_5m_tokens,
  cache_write_1h_tokens, cache_read_tokens, cost_usd::text AS cost_usd, price_version, ttfb_ms, duration_ms, session_id,
  agent_id, parent_agent_id, conversation_id, project, branch,
  (SELECT m.email FROM members m WHERE m.id = requests.member_id) AS member_email`;

/** What counts as an error everywhere (the roll-ups' `errors`). */
const IS_ERROR = `(status >= 400 OR outcome = 'failed')`;

/** Most rows one page may hold. */
export const MAX_PAGE_ROWS = 500;

/** `WHERE …` for the filters, with their parameters appended to `params`. */
export function requestConditions(filters: RequestFilters, params: unknown[]): string[] {
  const add = (sql: (p: string) => string, value: unknown): string => {
    params.push(value);
    return sql(`$${String(params.length)}`);
  };
  const conditions = [
    add((p) => `started_at >= ${p}::timestamptz`, filters.since.toISOString()),
    add((p) => `started_at < ${p}::timestamptz`, filters.until.toISOString()),
  ];
  if (filters.domain !== undefined) conditions.push(add((p) => `domain = ${p}`, filters.domain));
  if (filters.account !== undefined) conditions.push(add((p) => `account = ${p}`, filters.account));
  if (filters.model !== undefined) conditions.push(add((p) => `model = ${p}`, filters.model));
  if (filters.conversationId !== undefined) conditions.push(add((p) => `(conversation_id = ${p} OR session_id = ${p})`, filters.conversationId));
  conditions.push(...peopleConditions(filters, params));
  if (filters.status === 'ok') conditions.push(`NOT ${IS_ERROR}`);
  else if (filters.status === 'errors') conditions.push(IS_ERROR);
  else if (typeof filters.status === 'number') {
    if (!Number.isSafeInteger(filters.status)) throw new RangeError(`status must be an integer, got ${String(filters.status)}`);
    // Written into the SQL (an integer, checked above) so the planner can prove `status <> 200` and
    // use the partial index of migration 005; a parameter would hide the value from it.
    conditions.push(`status = ${String(filters.status)}`);
  }
  return conditions;
}

/** The exact instant of a cursor, as PostgreSQL reads it (JS dates stop at milliseconds). */
function cursorInstant(cursor: RequestCursor): string {
  const micros = BigInt(cursor.atMicros);
  const ms = micros / 1000n;
  const rest = ((micros % 1000n) + 1000n) % 1000n;
  return new Date(Number(ms)).toISOString().replace('Z', `${rest.toString().padStart(3, '0')}Z`);
}

/**
 * Rows strictly before (older) or after (newer) a cursor. The plain `started_at` bound is redundant
 * with the row comparison but lets a planner use any index that starts with started_at.
 */
function cursorCondition(cursor: RequestCursor, direction: 'older' | 'newer', params: unknown[]): string {
  params.push(cursorInstant(cursor), cursor.id);
  const at = `$${String(params.length - 1)}::timestamptz`;
  const id = `$${String(params.length)}`;
  return direction === 'older' ? `started_at <= ${at} AND (started_at, id) < (${at}, ${id})` : `started_at >= ${at} AND (started_at, id) > (${at}, ${id})`;
}

export interface RequestPageQuery extends RequestFilters {
  limit: number;
  /** Rows older than this (the next page down); without a cursor, the newest rows. */
  before?: RequestCursor | undefined;
  /** Rows newer than this, the `limit` closest to it. */
  after?: RequestCursor | undefined;
}

export interface RequestPage {
  /** Newest first. */
  rows: RequestSummary[];
  /** More rows lie beyond the page in the direction it was read. */
  more: boolean;
}

/**
 * A page of requests, newest first: the `limit` rows just older than `before` (or the newest), or
 * the `limit` rows just newer than `after` (read oldest first, then turned round).
 * @example listRequests(db, { since, until, status: 'errors', limit: 50, before: page.rows.at(-1)?.cursor })
 */
export async function listRequests(db: Queryable, query: RequestPageQuery): Promise<RequestPage> {
  const params: unknown[] = [];
  const conditions = requestConditions(query, params);
  const newer = query.after !== undefined;
  const cursor = query.after ?? query.before;
  if (cursor !== undefined) conditions.push(cursorCondition(cursor, newer ? 'newer' : 'older', params));
  const limit = Math.min(Math.max(Math.trunc(query.limit), 1), MAX_PAGE_ROWS);
  params.push(limit + 1);
  const order = newer ? 'ASC' : 'DESC';
  const rows = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM requests WHERE ${conditions.join(' AND ')}
     ORDER BY started_at ${order}, id ${order} LIMIT $${String(params.length)}`,
    params,
  );
  const page = rows.slice(0, limit).map(summaryOf);
  return { rows: newer ? page.reverse() : page, more: rows.length > limit };
}

/** Whether any request matching the filters lies before (older) or after (newer) a cursor. */
export async function requestsBeyond(db: Queryable, query: RequestFilters & { cursor: RequestCursor; direction: 'older' | 'newer' }): Promise<boolean> {
  const params: unknown[] = [];
  const conditions = [...requestConditions(query, params), cursorCondition(query.cursor, query.direction, params)];
  const rows = await db.query(`SELECT 1 FROM requests WHERE ${conditions.join(' AND ')} LIMIT 1`, params);
  return rows.length > 0;
}

export interface RequestCount {
  count: number;
  /** False when the count stopped at the cap (there are at least `count`). */
  exact: boolean;
}

/**
 * How many requests match. From the hourly roll-ups when they can answer exactly (whole-hour bounds;
 * domain, account, model and ok/errors filters), else counted on the rows, stopping at `cap`.
 */
export async function countRequests(db: Queryable, filters: RequestFilters, cap = 100_000): Promise<RequestCount> {
  const wholeHours = filters.since.getTime() % 3_600_000 === 0 && filters.until.getTime() % 3_600_000 === 0;
  if (wholeHours && typeof filters.status !== 'number' && filters.conversationId === undefined) {
    const params: unknown[] = [filters.since.toISOString(), filters.until.toISOString()];
    const conditions = ['hour >= $1::timestamptz', 'hour < $2::timestamptz'];
    for (const [column, value] of [['domain', filters.domain], ['account', filters.account], ['model', filters.model]] as const) {
      if (value === undefined) continue;
      params.push(value);
      conditions.push(`${column} = $${String(params.length)}`);
    }
    conditions.push(...peopleConditions(filters, params));
    const [row] = await db.query(
      `SELECT coalesce(sum(requests), 0)::bigint AS requests, coalesce(sum(errors), 0)::bigint AS errors
       FROM ${rollupFor(filters, undefined)} WHERE ${conditions.join(' AND ')}`,
      params,
    );
    const requests = Number(row?.requests ?? 0);
    const errors = Number(row?.errors ?? 0);
    return { count: filters.status === 'errors' ? errors : filters.status === 'ok' ? requests - errors : requests, exact: true };
  }
  const params: unknown[] = [];
  const conditions = requestConditions(filters, params);
  params.push(cap + 1);
  const [row] = await db.query(
    `SELECT count(*)::bigint AS n FROM (SELECT 1 FROM requests WHERE ${conditions.join(' AND ')} LIMIT $${String(params.length)}) capped`,
    params,
  );
  const n = Number(row?.n ?? 0);
  return n > cap ? { count: cap, exact: false } : { count: n, exact: true };
}

/** One request with every column, or null. */
export async function requestDetail(db: Queryable, id: string): Promise<RequestDetail | null> {
  const [row] = await db.query(
    `SELECT ${SUMMARY_COLUMNS}, upstream_request_id, client_key_id, cache_write_tokens, web_search_requests,
       server_tool_use, service_tier, inference_geo, request_class, user_agent
     FROM requests WHERE id = $1`,
    [id],
  );
  if (row === undefined) return null;
  return {
    ...summaryOf(row),
    upstreamRequestId: text(row.upstream_request_id),
    clientKeyId: text(row.client_key_id),
    cacheWriteTokens: Number(row.cache_write_tokens),
    webSearchRequests: Number(row.web_search_requests),
    serverToolUse: (row.server_tool_use as Record<string, number> | null) ?? null,
    serviceTier: text(row.service_tier),
    inferenceGeo: text(row.inference_geo),
    requestClass: text(row.request_class),
    userAgent: text(row.user_agent),
  };
}

/** The requests of one conversation, oldest first, at most `limit` (+ whether more exist). */
export async function conversationRequests(db: Queryable, conversationId: string, limit: number): Promise<RequestPage> {
  const rows = await db.query(
    `SELECT ${SUMMARY_COLUMNS} FROM requests WHERE conversation_id = $1 ORDER BY started_at, id LIMIT $2`,
    [conversationId, limit + 1],
  );
  return { rows: rows.slice(0, limit).map(summaryOf), more: rows.length > limit };
}

export interface FilterOptions {
  domains: string[];
  accounts: string[];
  models: string[];
  members: string[];
  teams: string[];
  projects: string[];
}

/** Every domain, account and model the ledger has seen (from the daily roll-up: a few rows a day). */
export async function requestFilterOptions(db: Queryable): Promise<FilterOptions> {
  const rows = await db.query<{ kind: string; value: string }>(
    `SELECT 'domain' AS kind, domain AS value FROM usage_daily GROUP BY domain
     UNION ALL SELECT 'account', account FROM usage_daily GROUP BY account
     UNION ALL SELECT 'model', model FROM usage_daily WHERE model <> '' GROUP BY model
     UNION ALL SELECT 'project', project FROM usage_people_hourly WHERE project <> '' GROUP BY project
     UNION ALL SELECT 'member', email FROM members WHERE removed_at IS NULL
     UNION ALL SELECT 'team', name FROM teams
     ORDER BY 1, 2`,
  );
  const of = (kind: string): string[] => rows.filter((row) => row.kind === kind).map((row) => row.value);
  return { domains: of('domain'), accounts: of('account'), models: of('model'), members: of('member'), teams: of('team'), projects: of('project') };
}

/** A text column (or one cast ::text): a string, or null for NULL. */
function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function summaryOf(row: Record<string, unknown>): RequestSummary {
  return {
    id: text(row.id) ?? '',
    startedAt: row.started_at as Date,
    cursor: { atMicros: text(row.at_micros) ?? '0', id: text(row.id) ?? '' },
    domain: text(row.domain) ?? '',
    account: text(row.account) ?? '',
    model: text(row.model),
    method: text(row.method) ?? '',
    path: text(row.path) ?? '',
    stream: row.stream === true,
    status: Number(row.status),
    outcome: (text(row.outcome) ?? 'failed') as RequestOutcome,
    errorType: text(row.error_type),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheWrite5mTokens: Number(row.cache_write_5m_tokens),
    cacheWrite1hTokens: Number(row.cache_write_1h_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    costUsd: text(row.cost_usd),
    priceVersion: text(row.price_version),
    ttfbMs: row.ttfb_ms === null || row.ttfb_ms === undefined ? null : Number(row.ttfb_ms),
    durationMs: Number(row.duration_ms),
    sessionId: text(row.session_id),
    agentId: text(row.agent_id),
    parentAgentId: text(row.parent_agent_id),
    conversationId: text(row.conversation_id),
    member: text(row.member_email),
    project: text(row.project),
    branch: text(row.branch),
  };
}
