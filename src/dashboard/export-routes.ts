/**
 * GET /export/<table>.<csv|json>: the rows a table view shows, with its filters, as a download.
 * requests (all matching the filters, newest first, up to 100,000, read by keyset in batches and
 * streamed), conversations (up to 10,000), conversation (one conversation's listed requests),
 * top-sessions and latest (the overview's two tables).
 */
import { Hono, type Context } from 'hono';
import {
  conversationRequests,
  latestRequests,
  listRequests,
  listSessions,
  topSessionsByCost,
  type Database,
  type RequestCursor,
  type RequestFilters,
  type RequestSummary,
  type SessionCursor,
  type SessionFilters,
  type SessionSummary,
} from '../storage/index.js';
import type { DashboardEnv } from './auth.js';
import { CONVERSATION_REQUESTS } from './conversation-routes.js';
import { exportStream, LATEST_COLUMNS, REQUEST_COLUMNS, SESSION_COLUMNS, type Column, type ExportFormat } from './export-format.js';
import { badRequestPage } from './page-errors.js';
import { resolveRange } from './ranges.js';
import { parseRequestsQuery, parseSessionsQuery } from './request-query.js';

export interface ExportRoutesOptions {
  database: () => Promise<Database>;
  now: () => Date;
}

/** Most rows one requests export holds. */
export const MAX_EXPORT_REQUESTS = 100_000;
export const MAX_EXPORT_SESSIONS = 10_000;
const REQUEST_BATCH = 500;
const SESSION_BATCH = 200;

const TABLES = ['requests', 'conversations', 'conversation', 'top-sessions', 'latest'] as const;
type Table = (typeof TABLES)[number];

export function createExportRoutes(options: ExportRoutesOptions): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  routes.get('/export/:file', async (c) => {
    const match = /^([a-z-]+)\.(csv|json)$/.exec(c.req.param('file'));
    const table = TABLES.find((name) => name === match?.[1]);
    const format = match?.[2] as ExportFormat | undefined;
    if (table === undefined || format === undefined) {
      return badRequestPage(c, `there is no export ${c.req.param('file')} (tables: ${TABLES.join(', ')}; formats: csv, json)`);
    }
    const prepared = await prepare(c, table, options);
    if (prepared instanceof Response) return prepared;
    c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    // RFC 6266: a download under a name that says what and when.
    c.header('content-disposition', `attachment; filename="${table}-${options.now().toISOString().slice(0, 10)}.${format}"`);
    c.header('cache-control', 'no-store');
    return c.body(exportStream(format, prepared.columns as Column<unknown>[], prepared.batches as AsyncIterator<unknown[]>));
  });
  return routes;
}

type Prepared = { columns: Column<RequestSummary>[]; batches: AsyncIterator<RequestSummary[]> } | { columns: Column<SessionSummary>[]; batches: AsyncIterator<SessionSummary[]> } | { columns: typeof LATEST_COLUMNS; batches: AsyncIterator<Awaited<ReturnType<typeof latestRequests>>> };

async function prepare(c: Context<DashboardEnv>, table: Table, options: ExportRoutesOptions): Promise<Prepared | Response> {
  const now = options.now();
  const defaults = { range: '7d' as const, tz: c.var.page.tz };
  const db = await options.database();
  switch (table) {
    case 'requests': {
      const query = parseRequestsQuery(c.req.query(), now, defaults);
      if ('error' in query) return badRequestPage(c, query.error);
      return { columns: REQUEST_COLUMNS, batches: requestBatches(db, query.filters, MAX_EXPORT_REQUESTS) };
    }
    case 'conversations': {
      const query = parseSessionsQuery(c.req.query(), now, defaults);
      if ('error' in query) return badRequestPage(c, query.error);
      const filters = { since: query.range.since, until: query.range.until, domain: query.domain, account: query.account, member: query.member, team: query.team, project: query.project };
      return { columns: SESSION_COLUMNS, batches: sessionBatches(db, filters, MAX_EXPORT_SESSIONS) };
    }
    case 'conversation': {
      const id = c.req.query('id');
      if (id === undefined || id === '' || id.length > 200) return badRequestPage(c, 'id must name a conversation');
      return { columns: REQUEST_COLUMNS, batches: once(async () => (await conversationRequests(db, id, CONVERSATION_REQUESTS)).rows) };
    }
    case 'top-sessions': {
      const range = resolveRange(c.req.query(), now, { tz: c.var.page.tz });
      if ('error' in range) return badRequestPage(c, range.error);
      return { columns: SESSION_COLUMNS, batches: once(() => topSessionsByCost(db, { since: range.since, until: range.until, limit: 10 })) };
    }
    case 'latest':
      return { columns: LATEST_COLUMNS, batches: once(() => latestRequests(db, 10)) };
  }
}

/** Every request matching the filters, newest first, a keyset batch at a time, up to `cap`. */
async function* requestBatches(db: Database, filters: RequestFilters, cap: number): AsyncGenerator<RequestSummary[]> {
  let before: RequestCursor | undefined;
  for (let sent = 0; sent < cap; ) {
    const page = await listRequests(db, { ...filters, limit: Math.min(REQUEST_BATCH, cap - sent), before });
    if (page.rows.length > 0) yield page.rows;
    sent += page.rows.length;
    before = page.rows.at(-1)?.cursor;
    if (!page.more || before === undefined) return;
  }
}

async function* sessionBatches(db: Database, filters: SessionFilters, cap: number): AsyncGenerator<SessionSummary[]> {
  let before: SessionCursor | undefined;
  for (let sent = 0; sent < cap; ) {
    const page = await listSessions(db, { ...filters, limit: Math.min(SESSION_BATCH, cap - sent), before });
    if (page.sessions.length > 0) yield page.sessions;
    sent += page.sessions.length;
    before = page.sessions.at(-1)?.cursor;
    if (!page.more || before === undefined) return;
  }
}

async function* once<T>(load: () => Promise<T[]>): AsyncGenerator<T[]> {
  yield await load();
}
