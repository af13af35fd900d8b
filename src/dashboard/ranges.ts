/**
 * The time range a page shows, read from its query string: last 24 h / 7 d / 30 d (whole hours up to
 * and including the current one, so the hourly roll-ups answer exactly) or custom local dates, plus
 * the bucket, the dimension to stack by and the time zone. Bad values get a readable message.
 */
import { z } from 'zod';
import type { Dimension, TimeBounds } from '../storage/index.js';
import { isTimeZone, zonedToInstant, type Bucket } from './zoned-time.js';

export type RangeName = '24h' | '7d' | '30d' | 'custom';

export interface RangeQuery {
  range: RangeName;
  /** Local dates (YYYY-MM-DD), for a custom range. */
  from?: string;
  to?: string;
  bucket: Bucket;
  by: Dimension;
  tz: string;
}

export interface ResolvedRange extends RangeQuery, TimeBounds {
  /** The range of the same length just before. */
  previous: TimeBounds;
  /** The range reaches the present, so live records can land in it. */
  live: boolean;
}

const HOUR_MS = 3_600_000;
const RANGE_HOURS: Record<Exclude<RangeName, 'custom'>, number> = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24 };
const DEFAULT_BUCKET: Record<RangeName, Bucket> = { '24h': 'hour', '7d': 'day', '30d': 'day', custom: 'day' };
/** Beyond this, hour buckets make an unreadable chart (and a heavy one). */
const MAX_HOUR_BUCKET_DAYS = 31;
const MAX_RANGE_DAYS = 366;

const blankIsMissing = (value: unknown): unknown => (value === '' ? undefined : value);
const localDate = z.preprocess(
  blankIsMissing,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'is not a real date')
    .optional(),
);

const schema = z.object({
  range: z.preprocess(blankIsMissing, z.enum(['24h', '7d', '30d', 'custom'], { error: 'must be one of 24h, 7d, 30d or custom' }).optional()),
  from: localDate,
  to: localDate,
  bucket: z.preprocess(blankIsMissing, z.enum(['hour', 'day', 'week'], { error: 'must be hour, day or week' }).optional()),
  by: z.preprocess(
    blankIsMissing,
    z.enum(['model', 'domain', 'account', 'member', 'team', 'project'], { error: 'must be model, domain, account, member, team or project' }).default('model'),
  ),
  tz: z.preprocess(blankIsMissing, z.string().max(64).refine(isTimeZone, 'is not a known IANA time zone (e.g. Europe/Berlin)').optional()),
});

export interface RangeDefaults {
  range?: RangeName;
  /** Used when the query names no tz (e.g. the browser's zone, remembered in a cookie). */
  tz?: string | undefined;
}

/**
 * Reads and checks a page's range parameters at `now`. Dates given without `range` mean a custom
 * range. Returns a message naming the parameter on bad input.
 * @example resolveRange({ range: '7d', by: 'account' }, new Date())
 */
export function resolveRange(raw: Record<string, string>, now: Date, defaults: RangeDefaults = {}): ResolvedRange | { error: string } {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { error: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'} ${issue.message}`).join('; ') };
  }
  const { from, to, by } = parsed.data;
  const range: RangeName = parsed.data.range ?? (from !== undefined || to !== undefined ? 'custom' : (defaults.range ?? '24h'));
  const tz = parsed.data.tz ?? (defaults.tz !== undefined && isTimeZone(defaults.tz) ? defaults.tz : 'UTC');
  const bucket = parsed.data.bucket ?? DEFAULT_BUCKET[range];
  let since: number;
  let until: number;
  if (range === 'custom') {
    if (from === undefined || to === undefined) return { error: 'a custom range needs both from and to (YYYY-MM-DD)' };
    if (to < from) return { error: `to (${to}) must be on or after from (${from})` };
    since = localMidnight(from, 0, tz);
    until = localMidnight(to, 1, tz);
    if (until - since > MAX_RANGE_DAYS * 24 * HOUR_MS + HOUR_MS) return { error: `a custom range covers at most ${String(MAX_RANGE_DAYS)} days` };
  } else {
    // Whole hours, the current one included: exactly what the hourly roll-ups can answer.
    until = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
    since = until - RANGE_HOURS[range] * HOUR_MS;
  }
  if (bucket === 'hour' && until - since > MAX_HOUR_BUCKET_DAYS * 24 * HOUR_MS + HOUR_MS) {
    return { error: `bucket=hour covers at most ${String(MAX_HOUR_BUCKET_DAYS)} days; choose day or week` };
  }
  return {
    range,
    ...(range === 'custom' && from !== undefined && to !== undefined ? { from, to } : {}),
    bucket,
    by,
    tz,
    since: new Date(since),
    until: new Date(until),
    previous: { since: new Date(since - (until - since)), until: new Date(since) },
    live: until > now.getTime(),
  };
}

function localMidnight(date: string, plusDays: number, timeZone: string): number {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const shifted = new Date(Date.UTC(year, month - 1, day + plusDays));
  return zonedToInstant(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate(), 0, timeZone);
}

/** The query string that reproduces a range (for links, forms and the page's data endpoints). */
export function rangeSearch(range: RangeQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ range: range.range, bucket: range.bucket, by: range.by, tz: range.tz, ...extra });
  if (range.range === 'custom' && range.from !== undefined && range.to !== undefined) {
    params.set('from', range.from);
    params.set('to', range.to);
  }
  return params.toString();
}
