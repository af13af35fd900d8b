/**
 * JSON the pages draw from (under /api, behind the same key or session): the overview's series and
 * totals, top sessions, latest requests, accounts, utilization history, and the live feed.
 */
import { Hono, type Context } from 'hono';
import { latestRequests, topConversationsByCost, utilizationHistory, type Database } from '../storage/index.js';
import { loadAccounts } from './accounts-data.js';
import type { DashboardEnv } from './auth.js';
import { liveStream, type LiveHub } from './live.js';
import { loadOverview } from './overview-data.js';
import { resolveRange, type RangeDefaults, type ResolvedRange } from './ranges.js';

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
    return c.json({ sessions: await topConversationsByCost(await options.database(), { since: range.since, until: range.until, limit: 10 }) });
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
  if (!('error' in range)) return range;
  return c.json({ type: 'error', error: { type: 'invalid_request_error', message: `Bad query: ${range.error}` } }, 400);
}
