/**
 * New usage rows as they are committed, from any process writing to the same PostgreSQL: the write
 * statement NOTIFYs their ids (write-usage.ts), a dedicated LISTEN connection here hears them and
 * reads the rows back. This is what feeds a dashboard that runs apart from the proxies.
 * The connection is re-opened (with backoff) when it drops; rows committed meanwhile are not replayed
 * (a live view catches up on its next reload).
 */
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Queryable } from './database.js';
import type { UsageRecord } from './usage-records.js';
import { USAGE_CHANNEL } from './write-usage.js';

export interface UsageNotifications {
  /** Emits 'written' with the rows other processes (and this one) committed. */
  readonly events: EventEmitter<{ written: [UsageRecord[]] }>;
  close(): Promise<void>;
}

export interface UsageNotificationOptions {
  url: string;
  /** Reads the notified rows (the application's pool). */
  database: () => Promise<Queryable>;
  onError?: (error: unknown) => void;
  /** First reconnect delay; doubles up to 15 s. Default 500 ms. */
  retryMs?: number;
}

export function listenForUsage(options: UsageNotificationOptions): UsageNotifications {
  const events = new EventEmitter<{ written: [UsageRecord[]] }>();
  let client: pg.Client | null = null;
  let closed = false;
  let delay = options.retryMs ?? 500;
  let timer: NodeJS.Timeout | null = null;

  const deliver = async (payload: string | undefined): Promise<void> => {
    const ids = parseIds(payload);
    if (ids.length === 0) return;
    const records = await readRecords(await options.database(), ids);
    if (records.length > 0) events.emit('written', records);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    // Loaded here: only a dashboard on PostgreSQL listens, and the embedded database's users never need the driver.
    const { default: driver } = await import('pg');
    const next = new driver.Client({ connectionString: options.url, connectionTimeoutMillis: 5000 });
    next.on('error', (error) => {
      options.onError?.(error);
      reconnectLater(next);
    });
    next.on('end', () => {
      reconnectLater(next);
    });
    next.on('notification', (message) => {
      deliver(message.payload).catch((error: unknown) => options.onError?.(error));
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${USAGE_CHANNEL}`);
      client = next;
      delay = options.retryMs ?? 500;
    } catch (error) {
      options.onError?.(error);
      reconnectLater(next);
    }
  };

  const reconnectLater = (failed: pg.Client): void => {
    if (client === failed) client = null;
    failed.removeAllListeners('end');
    failed.end().catch(() => undefined);
    if (closed || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, 15_000);
  };

  void connect();
  return {
    events,
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      const current = client;
      client = null;
      current?.removeAllListeners('end');
      await current?.end().catch(() => undefined);
    },
  };
}

function parseIds(payload: string | undefined): string[] {
  try {
    const parsed: unknown = JSON.parse(payload ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** The notified rows as usage records (the fields a live view shows; bodies and headers are not read). */
async function readRecords(db: Queryable, ids: string[]): Promise<UsageRecord[]> {
  const rows = await db.query(
    `SELECT id, upstream_request_id, started_at, domain, account, client_key_id, method, path, model, stream, status, outcome,
       error_type, input_tokens, output_tokens, cache_write_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
       cache_read_tokens, web_search_requests, server_tool_use, service_tier, inference_geo, cost_usd::text AS cost_usd,
       price_version, ttfb_ms, duration_ms, session_id, agent_id, parent_agent_id, request_class, user_agent, conversation_id
     FROM requests WHERE id = ANY($1::text[]) ORDER BY started_at, id`,
    [ids],
  );
  return rows.map((row) => ({
    id: String(row.id),
    upstreamRequestId: (row.upstream_request_id as string | null) ?? null,
    startedAt: (row.started_at as Date).toISOString(),
    domain: String(row.domain),
    account: String(row.account),
    clientKeyId: (row.client_key_id as string | null) ?? null,
    method: String(row.method),
    path: String(row.path),
    model: (row.model as string | null) ?? null,
    stream: row.stream === true,
    status: Number(row.status),
    outcome: row.outcome as UsageRecord['outcome'],
    errorType: (row.error_type as string | null) ?? null,
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    cacheWrite5mTokens: Number(row.cache_write_5m_tokens),
    cacheWrite1hTokens: Number(row.cache_write_1h_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    webSearchRequests: Number(row.web_search_requests),
    serverToolUse: (row.server_tool_use as Record<string, number> | null) ?? null,
    serviceTier: (row.service_tier as string | null) ?? null,
    inferenceGeo: (row.inference_geo as string | null) ?? null,
    costUsd: (row.cost_usd as string | null) ?? null,
    priceVersion: (row.price_version as string | null) ?? null,
    ttfbMs: (row.ttfb_ms as number | null) ?? null,
    durationMs: Number(row.duration_ms),
    sessionId: (row.session_id as string | null) ?? null,
    agentId: (row.agent_id as string | null) ?? null,
    parentAgentId: (row.parent_agent_id as string | null) ?? null,
    requestClass: (row.request_class as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    conversationId: (row.conversation_id as string | null) ?? null,
    rateLimit: null,
  }));
}
