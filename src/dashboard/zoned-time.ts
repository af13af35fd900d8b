/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: chart buckets and custom ranges
 * are days and weeks where the reader lives. Period labels match usageByPeriod's exactly.
 */

export type Bucket = 'hour' | 'day' | 'week';

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface BucketStart {
  /** The label usageByPeriod gives the bucket, e.g. `2026-11-24T10:00` or `2026-11-24`. */
  period: string;
  /** Start of the bucket, Unix seconds (uPlot's x). */
  t: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** True for a name Intl accepts as a time zone. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** Local time minus UTC at that instant, in ms. */
export function offsetMs(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant a wall-clock time names in the zone (the later one in a DST gap, the earlier in an overlap). */
export function zonedToInstant(year: number, month: number, day: number, hour: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, hour);
  // Two passes: the offset at the guess may differ from the offset at the answer near a DST change.
  const guess = asUtc - offsetMs(asUtc, timeZone);
  return asUtc - offsetMs(guess, timeZone);
}

/** Hourly roll-ups answer a zone's days exactly only if its offsets are whole hours all year. */
export function isWholeHourZone(timeZone: string): boolean {
  const year = new Date().getUTCFullYear();
  return [0, 3, 6, 9].every((month) => offsetMs(Date.UTC(year, month, 1), timeZone) % HOUR_MS === 0);
}

const pad = (n: number): string => String(n).padStart(2, '0');
const ymd = (year: number, month: number, day: number): string => `${String(year)}-${pad(month)}-${pad(day)}`;

/** The first day of the week holding a local date (startOfWeek: 0 Sunday … 6 Saturday). */
function weekStart(wall: WallClock, startOfWeek: number): { year: number; month: number; day: number } {
  const date = Date.UTC(wall.year, wall.month - 1, wall.day);
  const shift = (new Date(date).getUTCDay() - startOfWeek + 7) % 7;
  const start = new Date(date - shift * DAY_MS);
  return { year: start.getUTCFullYear(), month: start.getUTCMonth() + 1, day: start.getUTCDate() };
}

/** The bucket label of an instant, as usageByPeriod writes it. */
export function periodLabel(ms: number, bucket: Bucket, timeZone: string, startOfWeek = 1): string {
  const wall = wallClock(ms, timeZone);
  switch (bucket) {
    case 'hour':
      return `${ymd(wall.year, wall.month, wall.day)}T${pad(wall.hour)}:00`;
    case 'day':
      return ymd(wall.year, wall.month, wall.day);
    case 'week': {
      const start = weekStart(wall, startOfWeek);
      return ymd(start.year, start.month, start.day);
    }
  }
}

/** Every bucket overlapping [since, until), oldest first: the chart's x axis, empty buckets included. */
export function bucketStarts(since: Date, until: Date, bucket: Bucket, timeZone: string, startOfWeek = 1): BucketStart[] {
  const end = until.getTime();
  const buckets: BucketStart[] = [];
  const push = (ms: number): void => {
    const period = periodLabel(ms, bucket, timeZone, startOfWeek);
    // A DST overlap repeats an hour's label: usageByPeriod merges the two, so does the axis.
    if (buckets.at(-1)?.period !== period) buckets.push({ period, t: Math.floor(ms / 1000) });
  };
  const first = wallClock(since.getTime(), timeZone);
  if (bucket === 'hour') {
    for (let ms = zonedToInstant(first.year, first.month, first.day, first.hour, timeZone); ms < end; ms += HOUR_MS) push(ms);
    return buckets;
  }
  let date = bucket === 'week' ? weekStart(first, startOfWeek) : { year: first.year, month: first.month, day: first.day };
  const step = bucket === 'week' ? 7 : 1;
  for (let ms = zonedToInstant(date.year, date.month, date.day, 0, timeZone); ms < end; ms = zonedToInstant(date.year, date.month, date.day, 0, timeZone)) {
    push(ms);
    const next = new Date(Date.UTC(date.year, date.month - 1, date.day + step));
    date = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  }
  return buckets;
}
