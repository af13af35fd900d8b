/**
 * What the requests page shows for a query: one keyset page, whether there are pages either side,
 * the count, and the filter choices. Loads only; the page renders.
 */
import {
  countRequests,
  listRequests,
  requestFilterOptions,
  requestsBeyond,
  type Database,
  type FilterOptions,
  type RequestCount,
  type RequestSummary,
} from '../storage/index.js';
import type { RequestsQuery } from './request-query.js';

export interface RequestsPageData {
  rows: RequestSummary[];
  hasNewer: boolean;
  hasOlder: boolean;
  /** An `after` page that reached the newest rows: the first page is shown instead. */
  isFirst: boolean;
}

export async function loadRequestPage(db: Database, query: RequestsQuery): Promise<RequestsPageData> {
  const { filters, limit } = query;
  if (query.after !== undefined) {
    const page = await listRequests(db, { ...filters, limit, after: query.after });
    if (page.more) {
      const oldest = page.rows.at(-1);
      const hasOlder = oldest === undefined || (await requestsBeyond(db, { ...filters, cursor: oldest.cursor, direction: 'older' }));
      return { rows: page.rows, hasNewer: true, hasOlder, isFirst: false };
    }
    // Fewer than a page above the cursor: that is the first page (a full one).
    const top = await listRequests(db, { ...filters, limit });
    return { rows: top.rows, hasNewer: false, hasOlder: top.more, isFirst: true };
  }
  const page = await listRequests(db, { ...filters, limit, before: query.before });
  if (query.before === undefined) return { rows: page.rows, hasNewer: false, hasOlder: page.more, isFirst: true };
  const above = page.rows[0]?.cursor ?? query.before;
  const hasNewer = await requestsBeyond(db, { ...filters, cursor: above, direction: 'newer' });
  return { rows: page.rows, hasNewer, hasOlder: page.more, isFirst: false };
}

export async function loadRequestsExtras(db: Database, query: RequestsQuery): Promise<{ count: RequestCount; options: FilterOptions }> {
  const [count, options] = await Promise.all([countRequests(db, query.filters), requestFilterOptions(db)]);
  return { count, options };
}
