/**
 * JSON the pages draw from (under /api, behind the same key or session): the overview's series and
 * totals, top sessions, latest requests, accounts, utilization history, the requests and
 * conversations tables (keyset-paged like their pages), and the live feed.
 */
import { Hono, type Context } from 'hono';
import { latestRequests, listSessions, topSessionsByCost, utilizationHistory, type Database } from '../storage/index.js';
import { loadAccounts } from './accounts-data.js';
import type { DashboardEnv } from './auth.js';
import { liveStream, type LiveHub } from './live.js';
import { loadOverview } from './overview-data.js';
import { badRequestJson } from './page-errors.js';
import { resolveRange, type RangeDefaults, type ResolvedRange } from './ranges.js';
import { cursorText, parseRequestsQuery, parseSessionsQuery } from './request-query.js';
import { loadRequestPage, loadRequestsExtras } from './requests-data.js';

export interface PageApiOptions {
  database: () => Promise<Database>;
  now: () => Date;
  hub: LiveHub | null;
  signal?: AbortSignal | undefined;
  heartbeatMs?: number | undefined;
}

/** Utilization slots per account on the history chart. */
const HISTORY_POINTS = 300;

export function createPageApi(options: PageApiOptions): Hono<DashboardEnv> {
  const api = new Hono<DashboardEnv>();
  api.get('/dashboard/overview', async (c) => {
    const range = rangeOrError(c, options.now());
    if (range instanceof Response) return range;
    return c.json(await loadOverview(await options.database(), range));
  });
  api.get('/dashboard/top-sessions', async (c) => {
    const range = rangeOrError(c, options.now());
    if (range instanceof Response) return range;
    return c.json({ sessions: await topSessionsByCost(await options.database(), { since: range.since, until: range.until, limit: 10 }) });
  });
  api.get('/dashboard/requests', async (c) => {
    const query = parseRequestsQuery(c.req.query(), options.now(), { range: '7d', tz: c.var.page.tz });
    if ('error' in query) return badRequestJson(c, query.error);
    const db = await options.database();
    const [page, extras] = await Promise.all([loadRequestPage(db, query), loadRequestsExtras(db, query)]);
    const newest = page.rows[0];
    const oldest = page.rows.at(-1);
    return c.json({
      count: extras.count.count,
      countExact: extras.count.exact,
      requests: page.rows.map(({ cursor, ...row }) => ({ ...row, cursor: cursorText(cursor) })),
      newer: page.hasNewer && newest !== undefined ? cursorText(newest.cursor) : null,
      older: page.hasOlder && oldest !== undefined ? cursorText(oldest.cursor) : null,
    });
  });
  api.get('/dashboard/conversations', async (c) => {
    const query = parseSessionsQuery(c.req.query(), options.now(), { range: '7d', tz: c.var.page.tz });
    if ('error' in query) return badRequestJson(c, query.error);
    const { range } = query;
    const page = await listSessions(await options.database(), {
      since: range.since,
      until: range.until,
      domain: query.domain,
      account: query.account,
      member: query.member,
      team: query.team,
      project: query.project,
      limit: query.limit,
      before: query.before,
    });
    const oldest = page.sessions.at(-1);
    return c.json({
      conversations: page.sessions.map(({ cursor, ...session }) => ({ ...session, cursor: cursorText(cursor) })),
      older: page.more && oldest !== undefined ? cursorText(oldest.cursor) : null,
    });
  });
  api.get('/dashboard/latest', async (c) => c.json({ requests: await latestRequests(await options.database(), 10) }));
  api.get('/dashboard/accounts', async (c) => {
    const now = options.now();
    const range = rangeOrError(c, now, { range: '7d' });
    if (range instanceof Response) return range;
    return c.json({ accounts: await loadAccounts(await options.database(), range, now) });
  });
  api.get('/dashboard/utilization', async (c) => {
    const range = rangeOrError(c, options.now(), { range: '7d' });
    if (range instanceof Response) return range;
    const points = await utilizationHistory(await options.database(), { since: range.since, until: range.until, points: HISTORY_POINTS });
    return c.json({ since: range.since, until: range.until, points });
  });
  api.get('/live', (c) => {
    if (options.hub === null) {
      return c.json({ type: 'error', error: { type: 'api_error', message: 'The live feed is not available in this process.' } }, 503);
    }
    return liveStream(c, { hub: options.hub, signal: options.signal, ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }) });
  });
  return api;
}

function rangeOrError(c: Context<DashboardEnv>, now: Date, defaults: RangeDefaults = {}): ResolvedRange | Response {
  const range = resolveRange(c.req.query(), now, { ...defaults, tz: c.var.page.tz });
  return 'error' in range ? badRequestJson(c, range.error) : range;
}
