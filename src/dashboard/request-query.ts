/**
 * The requests and conversations pages' query strings: the range (ranges.ts) plus filters, a keyset
 * cursor and a page size, checked once here with a message naming the bad parameter; and the query
 * strings that reproduce them for links, the live rows and the exports.
 */
import { z } from 'zod';
import type { RequestCursor, RequestFilters, SessionCursor, StatusFilter } from '../storage/index.js';
import { rangeSearch, resolveRange, type RangeDefaults, type ResolvedRange } from './ranges.js';

export const DEFAULT_PAGE_ROWS = 50;
const MAX_LIMIT = 200;

const blankIsMissing = (value: unknown): unknown => (value === '' ? undefined : value);
const text = z.preprocess(blankIsMissing, z.string().max(200, 'is too long (at most 200 characters)').optional());
/** `<µs since the epoch>.<id>`: exact to the microsecond PostgreSQL keeps, whatever the id holds after the dot. */
const CURSOR = /^(\d{1,19})\.(.{1,200})$/s;
const cursor = z.preprocess(blankIsMissing, z.string().regex(CURSOR, 'is not a page cursor (follow the page links)').optional());

const limitSchema = z.preprocess(
  blankIsMissing,
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_LIMIT, `must be at most ${String(MAX_LIMIT)}`).optional(),
);

const schema = z.object({
  domain: text,
  account: text,
  model: text,
  member: text,
  team: text,
  project: text,
  session: text,
  status: z.preprocess(blankIsMissing, z.string().regex(/^(ok|errors|\d{1,3})$/, 'must be ok, errors or an HTTP status code (e.g. 429, or 0 for no response)').optional()),
  before: cursor,
  after: cursor,
  limit: limitSchema,
});

export interface RequestsQuery {
  range: ResolvedRange;
  filters: RequestFilters;
  /** The filters as given (for links and the form), blank ones left out. */
  params: Record<string, string>;
  limit: number;
  before?: RequestCursor;
  after?: RequestCursor;
}

/**
 * Reads the requests page's query (range, domain, account, model, status, session, before/after, limit).
 * @example parseRequestsQuery({ range: '7d', status: 'errors' }, new Date(), { range: '7d' })
 */
export function parseRequestsQuery(raw: Record<string, string>, now: Date, defaults: RangeDefaults): RequestsQuery | { error: string } {
  const range = resolveRange(raw, now, defaults);
  if ('error' in range) return range;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'} ${issue.message}`).join('; ') };
  const { domain, account, model, member, team, project, session, status, before, after, limit } = parsed.data;
  if (before !== undefined && after !== undefined) return { error: 'before and after cannot both be given' };
  const statusFilter: StatusFilter | undefined = status === undefined ? undefined : status === 'ok' || status === 'errors' ? status : Number(status);
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries({ domain, account, model, member, team, project, status, session })) if (value !== undefined) params[name] = value;
  if (limit !== undefined) params.limit = String(limit);
  return {
    range,
    filters: { since: range.since, until: range.until, domain, account, model, member, team, project, status: statusFilter, conversationId: session },
    params,
    limit: limit ?? DEFAULT_PAGE_ROWS,
    ...(before === undefined ? {} : { before: requestCursorOf(before) }),
    ...(after === undefined ? {} : { after: requestCursorOf(after) }),
  };
}

function requestCursorOf(text: string): RequestCursor {
  const [, atMicros = '0', id = ''] = CURSOR.exec(text) ?? [];
  return { atMicros, id };
}

export function cursorText(cursor: RequestCursor | SessionCursor): string {
  return `${cursor.atMicros}.${'id' in cursor ? cursor.id : cursor.conversationId}`;
}

/** The query string for the same range and filters, plus `extra` (a cursor, a format). */
export function requestsSearch(query: Pick<RequestsQuery, 'range' | 'params'>, extra: Record<string, string> = {}): string {
  return rangeSearch(query.range, { ...query.params, ...extra });
}

const sessionSchema = z.object({ domain: text, account: text, member: text, team: text, project: text, before: cursor, limit: limitSchema });

export interface SessionsQuery {
  range: ResolvedRange;
  params: Record<string, string>;
  domain: string | undefined;
  account: string | undefined;
  member: string | undefined;
  team: string | undefined;
  project: string | undefined;
  limit: number;
  before?: SessionCursor;
}

/** Reads the conversations page's query (range, domain, account, before, limit). */
export function parseSessionsQuery(raw: Record<string, string>, now: Date, defaults: RangeDefaults): SessionsQuery | { error: string } {
  const range = resolveRange(raw, now, defaults);
  if ('error' in range) return range;
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success) return { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'} ${issue.message}`).join('; ') };
  const { domain, account, member, team, project, before, limit } = parsed.data;
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries({ domain, account, member, team, project })) if (value !== undefined) params[name] = value;
  if (limit !== undefined) params.limit = String(limit);
  const at = before === undefined ? undefined : requestCursorOf(before);
  return { range, params, domain, account, member, team, project, limit: limit ?? DEFAULT_PAGE_ROWS, ...(at === undefined ? {} : { before: { atMicros: at.atMicros, conversationId: at.id } }) };
}
