/**
 * Conversations for the dashboard, from the per-conversation roll-up (usage_sessions): the list
 * (newest activity first, keyset-paged), the costliest of a range, and one conversation with its
 * subagents. A conversation is listed by its last request; its figures cover the whole conversation.
 */
import type { Queryable } from './database.js';
import { peopleConditions, SUMS, totalsOf, type UsageTotals } from './usage-queries.js';

export interface SessionSummary extends UsageTotals {
  conversationId: string;
  /** Claude Code's session id; null for a conversation grouped by its opening messages (SDKs). */
  sessionId: string | null;
  domain: string;
  account: string;
  models: string[];
  totalTokens: number;
  firstAt: Date;
  lastAt: Date;
  /** This row as a cursor: its last request in µs since the epoch, and its id. */
  cursor: SessionCursor;
}

export interface SessionCursor {
  atMicros: string;
  conversationId: string;
}

export interface SessionFilters {
  /** Conversations whose last request is at or after this… */
  since: Date;
  /** …and before this. */
  until: Date;
  domain?: string | undefined;
  account?: string | undefined;
  /** A member, by email; a team (its members); a project. */
  member?: string | undefined;
  team?: string | undefined;
  project?: string | undefined;
}

const DETAIL = `SELECT conversation_id, max(session_id) AS session_id, min(domain) AS domain, min(account) AS account,
    array_remove(array_agg(DISTINCT nullif(model, '')), NULL) AS models, min(first_at) AS first_at, max(last_at) AS last_at,
    (extract(epoch FROM max(last_at)) * 1000000)::bigint::text AS at_micros, ${SUMS}
  FROM usage_sessions`;

/** Roll-up rows read per round while filling a page. */
const SCAN_BATCH = 400;
const MAX_SCAN_ROUNDS = 200;

function filterConditions(filters: SessionFilters, params: unknown[]): string[] {
  params.push(filters.since.toISOString(), filters.until.toISOString());
  const conditions = [`last_at >= $${String(params.length - 1)}::timestamptz`, `last_at < $${String(params.length)}::timestamptz`];
  for (const [column, value] of [['domain', filters.domain], ['account', filters.account]] as const) {
    if (value === undefined) continue;
    params.push(value);
    conditions.push(`${column} = $${String(params.length)}`);
  }
  conditions.push(...peopleConditions(filters, params));
  return conditions;
}

function micros(cursor: SessionCursor): string {
  const us = BigInt(cursor.atMicros);
  const rest = ((us % 1000n) + 1000n) % 1000n;
  return new Date(Number(us / 1000n)).toISOString().replace('Z', `${rest.toString().padStart(3, '0')}Z`);
}

const before = (a: SessionCursor, b: SessionCursor): boolean =>
  BigInt(a.atMicros) < BigInt(b.atMicros) || (a.atMicros === b.atMicros && a.conversationId < b.conversationId);

/**
 * A page of conversations, latest activity first, older than `before` when given. Walks the roll-up
 * rows newest first on the (last_at, conversation_id) index: the first row seen of a conversation
 * is its latest, so no aggregate over the whole range is needed. On later pages a conversation
 * already shown can turn up again through an older row of another model: its latest row says so.
 */
export async function listSessions(
  db: Queryable,
  query: SessionFilters & { limit: number; before?: SessionCursor | undefined },
): Promise<{ sessions: SessionSummary[]; more: boolean }> {
  const limit = Math.min(Math.max(Math.trunc(query.limit), 1), 500);
  /** Conversation → its latest row within the filters, in the order found (newest first). */
  const picked = new Map<string, string>();
  const seen = new Set<string>();
  let scanFrom = query.before;
  for (let round = 0; round < MAX_SCAN_ROUNDS && picked.size <= limit; round += 1) {
    const params: unknown[] = [];
    const conditions = filterConditions(query, params);
    if (scanFrom !== undefined) {
      params.push(micros(scanFrom), scanFrom.conversationId);
      conditions.push(`(last_at, conversation_id) < ($${String(params.length - 1)}::timestamptz, $${String(params.length)})`);
    }
    params.push(SCAN_BATCH);
    const rows = await db.query<{ conversation_id: string; at_micros: string }>(
      `SELECT conversation_id, (extract(epoch FROM last_at) * 1000000)::bigint::text AS at_micros FROM usage_sessions
       WHERE ${conditions.join(' AND ')} ORDER BY last_at DESC, conversation_id DESC LIMIT $${String(params.length)}`,
      params,
    );
    const fresh: typeof rows = [];
    for (const row of rows) {
      if (seen.has(row.conversation_id)) continue;
      seen.add(row.conversation_id);
      fresh.push(row);
    }
    const kept = query.before === undefined ? fresh : await notShownBefore(db, query, fresh, query.before);
    for (const row of kept) picked.set(row.conversation_id, row.at_micros);
    const last = rows.at(-1);
    if (rows.length < SCAN_BATCH || last === undefined) break;
    scanFrom = { atMicros: last.at_micros, conversationId: last.conversation_id };
  }
  const page = [...picked].slice(0, limit);
  if (page.length === 0) return { sessions: [], more: false };
  const rows = await db.query(`${DETAIL} WHERE conversation_id = ANY($1::text[]) GROUP BY conversation_id`, [page.map(([id]) => id)]);
  const byId = new Map(rows.map((row) => [text(row.conversation_id) ?? '', sessionOf(row)]));
  // In the order found, each with its cursor as found (within the filters), so the next page starts right after it.
  const sessions = page.flatMap(([id, atMicros]) => {
    const session = byId.get(id);
    return session === undefined ? [] : [{ ...session, cursor: { atMicros, conversationId: id } }];
  });
  return { sessions, more: picked.size > limit };
}

/** Of `rows` (first rows seen of conversations), those whose latest row within the filters comes after `cursor` in the newest-first order. */
async function notShownBefore(
  db: Queryable,
  filters: SessionFilters,
  rows: { conversation_id: string; at_micros: string }[],
  cursor: SessionCursor,
): Promise<{ conversation_id: string; at_micros: string }[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const conditions = filterConditions(filters, params);
  params.push(rows.map((row) => row.conversation_id));
  const latest = await db.query<{ conversation_id: string; at_micros: string }>(
    `SELECT conversation_id, (extract(epoch FROM max(last_at)) * 1000000)::bigint::text AS at_micros FROM usage_sessions
     WHERE ${conditions.join(' AND ')} AND conversation_id = ANY($${String(params.length)}::text[]) GROUP BY conversation_id`,
    params,
  );
  const at = new Map(latest.map((row) => [row.conversation_id, row.at_micros]));
  return rows.filter((row) => {
    const max = at.get(row.conversation_id);
    return max !== undefined && before({ atMicros: max, conversationId: row.conversation_id }, cursor);
  });
}

/**
 * The costliest conversations whose last request falls in the range, costliest first, with the
 * figures of the whole conversation. One aggregate over the roll-up rows of the range (a few per
 * conversation, not one per request), then the winners in full by primary key.
 */
export async function topSessionsByCost(db: Queryable, query: SessionFilters & { limit: number }): Promise<SessionSummary[]> {
  const params: unknown[] = [];
  const conditions = filterConditions(query, params);
  params.push(Math.min(Math.max(query.limit, 1), 100));
  const ranked = await db.query<{ conversation_id: string }>(
    `SELECT conversation_id FROM usage_sessions WHERE ${conditions.join(' AND ')}
     GROUP BY conversation_id ORDER BY sum(cost_usd) DESC, conversation_id LIMIT $${String(params.length)}`,
    params,
  );
  if (ranked.length === 0) return [];
  const rows = await db.query(`${DETAIL} WHERE conversation_id = ANY($1::text[]) GROUP BY conversation_id`, [ranked.map((row) => row.conversation_id)]);
  return rows.map(sessionOf).sort((a, b) => compareUsd(b.costUsd, a.costUsd) || a.conversationId.localeCompare(b.conversationId));
}

export interface SessionModelRow extends UsageTotals {
  model: string | null;
  domain: string;
  account: string;
}

export interface AgentUsage extends UsageTotals {
  /** Null: the main thread. */
  agentId: string | null;
  parentAgentId: string | null;
  totalTokens: number;
  firstAt: Date;
  lastAt: Date;
}

export interface SessionDetail {
  summary: SessionSummary;
  byModel: SessionModelRow[];
  /** The main thread (agentId null) and each subagent, with sums over all their requests. */
  agents: AgentUsage[];
}

/** One conversation: its totals, per model, and per agent; null when it is not in the ledger. */
export async function sessionDetail(db: Queryable, conversationId: string): Promise<SessionDetail | null> {
  const [summaryRows, modelRows, agentRows] = await Promise.all([
    db.query(`${DETAIL} WHERE conversation_id = $1 GROUP BY conversation_id`, [conversationId]),
    db.query(
      `SELECT nullif(model, '') AS model, domain, account, ${SUMS} FROM usage_sessions WHERE conversation_id = $1
       GROUP BY model, domain, account ORDER BY sum(cost_usd) DESC, model`,
      [conversationId],
    ),
    db.query(
      `SELECT agent_id, max(parent_agent_id) AS parent_agent_id, min(started_at) AS first_at, max(started_at) AS last_at,
         count(*)::bigint AS requests, count(*) FILTER (WHERE status >= 400 OR outcome = 'failed')::bigint AS errors,
         sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
         sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(cache_write_5m_tokens)::bigint AS cache_write_5m_tokens,
         sum(cache_write_1h_tokens)::bigint AS cache_write_1h_tokens, sum(cache_read_tokens)::bigint AS cache_read_tokens,
         sum(web_search_requests)::bigint AS web_search_requests, coalesce(sum(cost_usd), 0)::text AS cost_usd,
         count(*) FILTER (WHERE cost_usd IS NULL AND input_tokens + output_tokens + cache_write_tokens + cache_read_tokens > 0)::bigint AS unpriced_requests
       FROM requests WHERE conversation_id = $1 GROUP BY agent_id ORDER BY min(started_at)`,
      [conversationId],
    ),
  ]);
  const [summary] = summaryRows;
  if (summary === undefined) return null;
  return {
    summary: sessionOf(summary),
    byModel: modelRows.map((row) => ({ model: text(row.model), domain: text(row.domain) ?? '', account: text(row.account) ?? '', ...totalsOf(row) })),
    agents: agentRows.map((row) => {
      const totals = totalsOf(row);
      return {
        agentId: text(row.agent_id),
        parentAgentId: text(row.parent_agent_id),
        firstAt: row.first_at as Date,
        lastAt: row.last_at as Date,
        totalTokens: totals.inputTokens + totals.outputTokens + totals.cacheWriteTokens + totals.cacheReadTokens,
        ...totals,
      };
    }),
  };
}

function sessionOf(row: Record<string, unknown>): SessionSummary {
  const totals = totalsOf(row);
  const conversationId = text(row.conversation_id) ?? '';
  return {
    conversationId,
    sessionId: text(row.session_id),
    domain: text(row.domain) ?? '',
    account: text(row.account) ?? '',
    models: (row.models as string[]).slice().sort(),
    totalTokens: totals.inputTokens + totals.outputTokens + totals.cacheWriteTokens + totals.cacheReadTokens,
    firstAt: row.first_at as Date,
    lastAt: row.last_at as Date,
    cursor: { atMicros: text(row.at_micros) ?? '0', conversationId },
    ...totals,
  };
}

/** A text column: a string, or null for NULL. */
function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Compares exact decimal strings (USD) without floating point. */
function compareUsd(a: string, b: string): number {
  const scale = (value: string): bigint => {
    const [whole = '0', fraction = ''] = value.split('.');
    return BigInt(whole) * 10n ** 12n + BigInt(fraction.slice(0, 12).padEnd(12, '0'));
  };
  const x = scale(a);
  const y = scale(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
