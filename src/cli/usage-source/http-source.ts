/**
 * The usage source that asks a dashboard's JSON API (`--url`, NEXUS_URL, or the dashboard of the
 * running nexus that holds DATA_DIR). It calls the endpoints that run the same storage queries as
 * the database source, and turns the ISO dates of the JSON back into Dates.
 */
import { UsageError } from '../command.js';
import type { PeriodUsage, StatuslineFigures, UsageFilters } from '../../storage/index.js';
import { reasonOf } from './database-source.js';
import type { ReportFilters, UsageSource } from './usage-source.js';

export interface HttpSourceOptions {
  /** The dashboard's base URL, e.g. http://dashboard:3001 */
  baseUrl: URL;
  apiKey: string;
  /** Per request; reports over millions of requests take a while. Default 60 s. */
  timeoutMs?: number;
}

type Query = Record<string, string | number | Date | undefined>;

export function createHttpSource({ baseUrl, apiKey, timeoutMs = 60_000 }: HttpSourceOptions): UsageSource {
  const where = baseUrl.origin + baseUrl.pathname.replace(/\/$/, '');
  const call = async (path: string, init: { query?: Query; body?: unknown }): Promise<Record<string, unknown>> => {
    const url = new URL(`${where}/api${path}`);
    for (const [name, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value instanceof Date ? value.toISOString() : String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.body === undefined ? 'GET' : 'POST',
        headers: { 'x-api-key': apiKey, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      throw new UsageError(`cannot reach the dashboard at ${where}: ${reasonOf(cause ?? error)}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`the dashboard at ${where} answered ${String(response.status)} with something other than JSON (is --url the dashboard's address?)`);
    }
    if (response.status === 401) {
      throw new UsageError(`the dashboard at ${where} refused the key (401): pass its DASHBOARD_API_KEY as --api-key or NEXUS_API_KEY`);
    }
    if (!response.ok) {
      const message = (json as { error?: { message?: unknown } } | null)?.error?.message;
      throw new UsageError(`the dashboard at ${where} answered ${String(response.status)}${typeof message === 'string' ? `: ${message.replace(/\.$/, '')}` : ''}`);
    }
    return json as Record<string, unknown>;
  };
  const list = async <T>(path: string, key: string, init: { query?: Query; body?: unknown }, dates: readonly string[] = []): Promise<T[]> => {
    const items = (await call(path, init))[key];
    if (!Array.isArray(items)) throw new UsageError(`the dashboard at ${where} sent no "${key}" list for ${path} (is it an older Claude Nexus?)`);
    return items.map((item: Record<string, unknown>) => reviveDates(item, dates) as T);
  };
  const filterQuery = (filters: ReportFilters & Partial<Pick<UsageFilters, 'since' | 'until'>>): Query => ({ ...filters });

  return {
    description: `the dashboard at ${where}`,
    periods: ({ timeZone, ...query }) => list<PeriodUsage>('/usage', 'periods', { query: { ...query, tz: timeZone } }),
    sessions: (query) => list('/usage/sessions', 'sessions', { query: { ...query } }, ['lastAt']),
    hours: (filters) => list('/usage/hours', 'hours', { query: filterQuery(filters) }, ['hour']),
    ranges: (filters, ranges) => list('/usage/ranges', 'ranges', { body: { ...filters, ranges } }),
    activityBounds: (filters, ranges) => list('/usage/activity-bounds', 'bounds', { body: { ...filters, ranges } }, ['firstAt', 'lastAt']),
    fiveHourResets: (filters) => list('/usage/five-hour-resets', 'resets', { query: filterQuery(filters) }, ['reset']),
    planUtilization: () => list('/plan-utilization', 'accounts', {}, ['observedAt', 'fiveHourReset', 'sevenDayReset']),
    async statusline({ sessionId, account, dayStart, monthStart, now }) {
      const figures = (await call('/statusline', { query: { session: sessionId, account, dayStart, monthStart, now } })).statusline;
      if (typeof figures !== 'object' || figures === null || !('today' in figures)) {
        throw new UsageError(`the dashboard at ${where} sent no "statusline" figures (is it an older Claude Nexus?)`);
      }
      return reviveStatusline(figures);
    },
    close: () => Promise.resolve(),
  };
}

function reviveDates(item: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const copy = { ...item };
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = new Date(value);
  }
  return copy;
}

/** The JSON of statuslineFigures with its dates turned back into Dates. */
function reviveStatusline(figures: Record<string, unknown>): StatuslineFigures {
  const nested = (value: unknown, dates: readonly string[]): unknown =>
    typeof value === 'object' && value !== null ? reviveDates(value as Record<string, unknown>, dates) : null;
  return {
    ...figures,
    block: nested(figures.block, ['start', 'end']),
    utilization: nested(figures.utilization, ['observedAt', 'fiveHourReset', 'sevenDayReset']),
    // A dashboard of an older Claude Nexus sends none.
    member: figures.member ?? null,
  } as StatuslineFigures;
}
