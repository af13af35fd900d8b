/**
 * The ledger's JSON API (key-protected), read by the CLI over HTTP and by the dashboard's pages.
 * Money is an exact decimal string; bad parameters get a 400 that says which and why.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  activityBounds,
  assertTimeZone,
  conversations,
  fiveHourResetsByAccount,
  hourlyUsage,
  rangeUsage,
  sessionUsage,
  fiveHourResets,
  latestPlanUtilization,
  statuslineFigures,
  usageBreakdown,
  usageByPeriod,
  usageEntries,
  usageTotals,
  type Database,
} from '../storage/index.js';
import { toBlocks } from '../usage/index.js';
import { parse, parseBody } from './parse-request.js';

const date = z
  .string()
  .regex(/^\d{4}-?\d{2}-?\d{2}(T[\d:.]+Z?)?$/, 'must be a date (YYYY-MM-DD, YYYYMMDD or an ISO timestamp)')
  .transform((value) => new Date(/^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6)}` : value))
  .refine((value) => !Number.isNaN(value.getTime()), 'is not a valid date');

const filters = z.object({
  since: date.optional(),
  until: date.optional(),
  domain: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  member: z.string().min(1).max(320).optional(),
  team: z.string().min(1).max(64).optional(),
  project: z.string().min(1).max(200).optional(),
});

const DIMENSIONS = ['model', 'domain', 'account', 'member', 'team', 'project'] as const;

const periodQuery = filters.extend({
  period: z.enum(['hour', 'day', 'week', 'month']).default('day'),
  tz: z.string().default('UTC').refine(isTimeZone, 'is not a known IANA time zone'),
  by: z.enum(DIMENSIONS).optional(),
  startOfWeek: z.coerce.number().int().min(0).max(6).default(1),
});

const sessionQuery = filters.omit({ since: true, until: true }).extend({
  session: z.string().min(1).optional(),
  lastSince: date.optional(),
  lastUntil: date.optional(),
});

const rangesBody = filters.omit({ since: true, until: true }).extend({
  ranges: z
    .array(z.object({ account: z.string(), start: z.iso.datetime().transform((v) => new Date(v)), end: z.iso.datetime().transform((v) => new Date(v)) }))
    .max(100_000),
});

const breakdownQuery = filters.extend({ by: z.enum(DIMENSIONS).optional() });
const conversationQuery = filters.extend({ limit: z.coerce.number().int().min(1).max(10_000).default(100) });
const statuslineQuery = z.object({
  session: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  dayStart: z.iso.datetime().transform((v) => new Date(v)),
  monthStart: z.iso.datetime().transform((v) => new Date(v)).optional(),
  now: z.iso.datetime().transform((v) => new Date(v)).optional(),
});

export function createUsageApi(database: () => Promise<Database>): Hono {
  const api = new Hono();
  api.get('/usage', async (c) => {
    const query = parse(c, periodQuery);
    if (query instanceof Response) return query;
    const { tz, ...rest } = query;
    return c.json({ periods: await usageByPeriod(await database(), { ...rest, timeZone: tz }) });
  });
  api.get('/usage/totals', async (c) => {
    const query = parse(c, breakdownQuery);
    if (query instanceof Response) return query;
    const db = await database();
    const { by, ...range } = query;
    return c.json({ totals: await usageTotals(db, range), ...(by === undefined ? {} : { breakdown: await usageBreakdown(db, { ...range, by }) }) });
  });
  api.get('/usage/entries', async (c) => {
    const query = parse(c, filters);
    if (query instanceof Response) return query;
    return c.json({ entries: await usageEntries(await database(), query) });
  });
  api.get('/usage/blocks', async (c) => {
    const query = parse(c, filters);
    if (query instanceof Response) return query;
    const db = await database();
    const [entries, serverResets] = await Promise.all([usageEntries(db, query), fiveHourResets(db, query)]);
    return c.json({ blocks: toBlocks(entries, { now: new Date(), serverResets }) });
  });
  // The report commands' queries (nexus daily … blocks --url): the same functions the CLI runs on a database.
  api.get('/usage/sessions', async (c) => {
    const query = parse(c, sessionQuery);
    if (query instanceof Response) return query;
    return c.json({ sessions: await sessionUsage(await database(), query) });
  });
  api.get('/usage/hours', async (c) => {
    const query = parse(c, filters);
    if (query instanceof Response) return query;
    return c.json({ hours: await hourlyUsage(await database(), query) });
  });
  api.get('/usage/five-hour-resets', async (c) => {
    const query = parse(c, filters);
    if (query instanceof Response) return query;
    return c.json({ resets: await fiveHourResetsByAccount(await database(), query) });
  });
  api.post('/usage/ranges', async (c) => {
    const body = await parseBody(c, rangesBody);
    if (body instanceof Response) return body;
    const { ranges, ...rest } = body;
    return c.json({ ranges: await rangeUsage(await database(), rest, ranges) });
  });
  api.post('/usage/activity-bounds', async (c) => {
    const body = await parseBody(c, rangesBody);
    if (body instanceof Response) return body;
    const { ranges, ...rest } = body;
    return c.json({ bounds: await activityBounds(await database(), rest, ranges) });
  });
  api.get('/conversations', async (c) => {
    const query = parse(c, conversationQuery);
    if (query instanceof Response) return query;
    return c.json({ conversations: await conversations(await database(), query) });
  });
  api.get('/plan-utilization', async (c) => c.json({ accounts: await latestPlanUtilization(await database()) }));
  // `nexus statusline --url`: the session, today and the current block in one query.
  api.get('/statusline', async (c) => {
    const query = parse(c, statuslineQuery);
    if (query instanceof Response) return query;
    const { session, account, dayStart, monthStart, now } = query;
    return c.json({ statusline: await statuslineFigures(await database(), { sessionId: session, account, dayStart, monthStart, now: now ?? new Date() }) });
  });
  return api;
}

function isTimeZone(value: string): boolean {
  try {
    assertTimeZone(value);
    return true;
  } catch {
    return false;
  }
}
