/** The conversations pages: the list (keyset-paged, from the per-conversation roll-up) and one conversation with its subagents. */
import { Hono } from 'hono';
import { conversationRequests, listSessions, requestFilterOptions, sessionDetail, type Database } from '../storage/index.js';
import { agentTree } from './agent-tree.js';
import type { DashboardEnv } from './auth.js';
import { renderPage } from './layout.js';
import { badRequestPage, notFoundPage } from './page-errors.js';
import { ConversationDetailPage } from './pages/conversation-detail.js';
import { ConversationsPage } from './pages/conversations.js';
import { parseSessionsQuery } from './request-query.js';

export interface ConversationRoutesOptions {
  database: () => Promise<Database>;
  now: () => Date;
}

/** Requests listed for one conversation (its totals always cover all of them). */
export const CONVERSATION_REQUESTS = 2000;

export function createConversationRoutes(options: ConversationRoutesOptions): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();

  routes.get('/conversations', async (c) => {
    // The overview linked conversations as ?id= before they had their own pages.
    const legacy = c.req.query('id');
    if (legacy !== undefined && legacy !== '') return c.redirect(`/conversations/${encodeURIComponent(legacy)}`, 301);
    const query = parseSessionsQuery(c.req.query(), options.now(), { range: '7d', tz: c.var.page.tz });
    if ('error' in query) return badRequestPage(c, query.error, 'conversations');
    const db = await options.database();
    const [page, filterOptions] = await Promise.all([
      listSessions(db, { since: query.range.since, until: query.range.until, domain: query.domain, account: query.account, member: query.member, team: query.team, project: query.project, limit: query.limit, before: query.before }),
      requestFilterOptions(db),
    ]);
    return renderPage(c, ConversationsPage({ page: { ...c.var.page, tz: query.range.tz }, query, sessions: page.sessions, hasOlder: page.more, options: filterOptions }));
  });

  routes.get('/conversations/:id', async (c) => {
    const id = c.req.param('id');
    const db = await options.database();
    const [detail, requests] = await Promise.all([sessionDetail(db, id), conversationRequests(db, id, CONVERSATION_REQUESTS)]);
    if (detail === null) return notFoundPage(c, 'Conversation not found', `There is no conversation ${id} in the ledger.`, 'conversations');
    const tree = agentTree(detail.agents, requests.rows);
    return renderPage(c, ConversationDetailPage({ page: c.var.page, detail, tree, requestsOmitted: requests.more ? detail.summary.requests - requests.rows.length : 0 }));
  });
  return routes;
}
