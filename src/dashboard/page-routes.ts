/** The HTML pages: load (storage), shape (pure), render (JSX). Bad parameters get a 400 page that says which. */
import { Hono, type Context } from 'hono';
import { latestRequests, topSessionsByCost, type Database } from '../storage/index.js';
import { loadAccounts } from './accounts-data.js';
import type { DashboardEnv } from './auth.js';
import { createConversationRoutes } from './conversation-routes.js';
import { createExportRoutes } from './export-routes.js';
import { MessagePage, renderFragment, renderPage } from './layout.js';
import { loadOverview } from './overview-data.js';
import { AccountsPage } from './pages/accounts.js';
import { OverviewPage, TopSessions } from './pages/overview.js';
import { resolveRange, type RangeDefaults, type ResolvedRange } from './ranges.js';
import { createRequestRoutes } from './request-routes.js';

export interface PageRoutesOptions {
  database: () => Promise<Database>;
  now: () => Date;
  /** The live feed is wired. */
  live: boolean;
}

export function createPageRoutes(options: PageRoutesOptions): Hono<DashboardEnv> {
  const pages = new Hono<DashboardEnv>();

  pages.get('/', async (c) => {
    const range = await rangeOrPage(c, options.now(), {});
    if (range instanceof Response) return range;
    const db = await options.database();
    const [data, latest] = await Promise.all([loadOverview(db, range), latestRequests(db, 10)]);
    return renderPage(c, OverviewPage({ page: { ...c.var.page, tz: range.tz }, range, data, latest, live: options.live }));
  });

  pages.get('/overview/top-sessions', async (c) => {
    const range = await rangeOrPage(c, options.now(), {});
    if (range instanceof Response) return range;
    const sessions = await topSessionsByCost(await options.database(), { since: range.since, until: range.until, limit: 10 });
    return renderFragment(c, TopSessions({ sessions, range }));
  });

  pages.get('/accounts', async (c) => {
    const now = options.now();
    const range = await rangeOrPage(c, now, { range: '7d' });
    if (range instanceof Response) return range;
    const accounts = await loadAccounts(await options.database(), range, now);
    return renderPage(c, AccountsPage({ page: { ...c.var.page, tz: range.tz }, range, accounts, now }));
  });

  pages.route('/', createRequestRoutes(options));
  pages.route('/', createConversationRoutes(options));
  pages.route('/', createExportRoutes(options));
  return pages;
}

/** The page's range, or the 400 page naming the bad parameter. */
export async function rangeOrPage(c: Context<DashboardEnv>, now: Date, defaults: RangeDefaults): Promise<ResolvedRange | Response> {
  const range = resolveRange(c.req.query(), now, { ...defaults, tz: c.var.page.tz });
  if (!('error' in range)) return range;
  return renderPage(c, MessagePage({ page: c.var.page, title: 'Bad request', message: `This page cannot show that: ${range.error}.` }), 400);
}
