/** Calendar dates and clock times in an IANA time zone, for report periods and flags. Pure. */
import { UsageError } from '../command.js';

/** The zone reports use without --timezone: the system's, as ccusage does. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Throws a UsageError for a name that is not an IANA time zone. */
export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(`--timezone: unknown time zone "${timeZone}" (use an IANA name such as UTC, Europe/Berlin or Asia/Tokyo)`);
  }
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function parts(date: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let format = partsFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, format);
  }
  // Every zone's offset is a whole number of minutes: the parts of a minute are computed once.
  const minute = Math.floor(date.getTime() / 60_000);
  const key = `${timeZone} ${String(minute)}`;
  let cached = partsCache.get(key);
  if (cached === undefined) {
    cached = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of format.formatToParts(minute * 60_000)) {
      if (part.type in cached) cached[part.type as keyof typeof cached] = Number(part.value);
    }
    if (partsCache.size >= 50_000) partsCache.clear();
    partsCache.set(key, cached);
  }
  return { ...cached, second: Math.floor((date.getTime() - minute * 60_000) / 1000) };
}

const partsCache = new Map<string, Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>>();

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of the instant in the zone. */
export function localDate(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** `YYYY-MM-DD HH:mm` of the instant in the zone. */
export function localDateTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Offset of the zone from UTC at the instant, in ms (Tokyo: +9 h). */
function offsetMs(date: Date, timeZone: string): number {
  const p = parts(date, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The instant a calendar day (`YYYY-MM-DD`) starts in the zone. Where a DST jump skips midnight,
 * the first instant of that day.
 * @example startOfLocalDay('2026-11-24', 'Asia/Tokyo') // 2026-11-23T15:00:00.000Z
 */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const guess = Date.UTC(year, month - 1, date);
  let instant = guess - offsetMs(new Date(guess), timeZone);
  // Once more with the offset in force at the first estimate (DST changes between them).
  instant = guess - offsetMs(new Date(instant), timeZone);
  if (localDate(new Date(instant), timeZone) !== day) instant += 3_600_000;
  return new Date(instant);
}

/** The calendar day after `day`. */
export function nextDay(day: string): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

/** `YYYYMMDD` or `YYYY-MM-DD` as `YYYY-MM-DD`; throws a UsageError naming the flag. */
export function parseDay(flag: string, value: string): string {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  const day = match === null ? '' : `${match[1] ?? ''}-${match[2] ?? ''}-${match[3] ?? ''}`;
  const date = new Date(`${day}T00:00:00Z`);
  if (match === null || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    throw new UsageError(`${flag} must be a date as YYYYMMDD or YYYY-MM-DD, got "${value}"`);
  }
  return day;
}
