/**
 * The requests pages: the filtered, keyset-paged list; the rows newer than a cursor (HTML rows the
 * page's script inserts when the live feed announces a request); one request in full; and its
 * stored bodies as downloads.
 */
import { Hono } from 'hono';
import { listRequests, readStoredBodies, requestDetail, type Database } from '../storage/index.js';
import type { DashboardEnv } from './auth.js';
import { renderFragment, renderPage } from './layout.js';
import { requestViewOf, responseViewOf } from './message-view.js';
import { badRequestPage, notFoundPage } from './page-errors.js';
import { RequestDetailPage } from './pages/request-detail.js';
import { RequestRows } from './pages/request-rows.js';
import { RequestsPage } from './pages/requests.js';
import { parseRequestsQuery, requestsSearch } from './request-query.js';
import { loadRequestPage, loadRequestsExtras } from './requests-data.js';

export interface RequestRoutesOptions {
  database: () => Promise<Database>;
  now: () => Date;
  /** The live feed is wired. */
  live: boolean;
}

/** Rows one live fetch returns at most; the script asks again while there are more. */
const LIVE_ROWS = 100;

export function createRequestRoutes(options: RequestRoutesOptions): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();

  routes.get('/requests', async (c) => {
    const query = parseRequestsQuery(c.req.query(), options.now(), { range: '7d', tz: c.var.page.tz });
    if ('error' in query) return badRequestPage(c, query.error, 'requests');
    const db = await options.database();
    const [data, extras] = await Promise.all([loadRequestPage(db, query), loadRequestsExtras(db, query)]);
    if (query.after !== undefined && data.isFirst) return c.redirect(`/requests?${requestsSearch(query)}`, 302);
    return renderPage(
      c,
      RequestsPage({ page: { ...c.var.page, tz: query.range.tz }, query, rows: data.rows, hasNewer: data.hasNewer, hasOlder: data.hasOlder, ...extras, live: options.live }),
    );
  });

  // The live rows: requests newer than `after`, oldest first so none is skipped; `x-more` says ask again.
  routes.get('/requests/rows', async (c) => {
    const query = parseRequestsQuery(c.req.query(), options.now(), { range: '7d', tz: c.var.page.tz });
    if ('error' in query) return badRequestPage(c, query.error, 'requests');
    const page = await listRequests(await options.database(), { ...query.filters, limit: query.after === undefined ? query.limit : LIVE_ROWS, after: query.after });
    c.header('x-more', query.after !== undefined && page.more ? '1' : '0');
    return renderFragment(c, RequestRows({ requests: page.rows, tz: query.range.tz }));
  });

  routes.get('/requests/:id', async (c) => {
    const id = c.req.param('id');
    const db = await options.database();
    const [request, bodies] = await Promise.all([requestDetail(db, id), readStoredBodies(db, id)]);
    if (request === null) return notFoundPage(c, 'Request not found', `There is no request ${id} in the ledger.`, 'requests');
    const contentType = headerText(bodies?.responseHeaders['content-type']);
    return renderPage(
      c,
      RequestDetailPage({
        page: c.var.page,
        request,
        bodies,
        requestView: bodies?.request == null ? null : requestViewOf(bodies.request),
        responseView: bodies?.response == null ? null : responseViewOf(bodies.response, contentType),
      }),
    );
  });

  routes.get('/requests/:id/:part{(request|response)-body}', async (c) => {
    const id = c.req.param('id');
    const part = c.req.param('part') === 'request-body' ? 'request' : 'response';
    const bodies = await readStoredBodies(await options.database(), id);
    const text = bodies?.[part] ?? null;
    if (bodies === null || text === null) return notFoundPage(c, 'Body not found', `No ${part} body is stored for ${id}.`, 'requests');
    const stream = part === 'response' && /^\s*(event|data):/.test(text);
    c.header('content-type', stream ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
    // Always a download, never rendered: a body is whatever the client or the API sent.
    c.header('content-disposition', `attachment; filename="${id.replace(/[^\w.-]/g, '_')}-${part}.${stream ? 'txt' : 'json'}"`);
    c.header('cache-control', 'no-store');
    return c.body(text);
  });
  return routes;
}

function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
