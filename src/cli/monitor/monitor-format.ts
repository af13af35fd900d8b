/** Small formats of the live views: countdowns, clock times in a zone, bars and their warning colours. Pure. */
import type { Style } from '../reports/format.js';
import { localDate, localDateTime } from '../reports/time-zone.js';

/** Yellow from here (70% of a limit). */
export const WARNING_SHARE = 0.7;
/** Red from here (90%). */
export const ALERT_SHARE = 0.9;

export function shareStyle(share: number): Style {
  return share >= ALERT_SHARE ? 'red' : share >= WARNING_SHARE ? 'yellow' : 'green';
}

/** A share (0.42) as `42.0%`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/**
 * A countdown: `3d 2h` past a day, `2h 05m 09s` under it, never negative.
 * @example formatCountdown(3_723_000) // '1h 02m 03s'
 */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${String(days)}d ${String(hours)}h`;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(hours)}h ${pad(minutes)}m ${pad(seconds % 60)}s`;
}

/** `HH:mm` in the zone when on the same day as `now` there, else `YYYY-MM-DD HH:mm`. */
export function clockTime(at: Date, now: Date, timeZone: string): string {
  const full = localDateTime(at, timeZone);
  return localDate(at, timeZone) === localDate(now, timeZone) ? full.slice(11) : full;
}

/** `YYYY-MM-DD HH:mm:ss` in the zone (seconds are the same in every zone of today's tz database). */
export function dateTimeSeconds(at: Date, timeZone: string): string {
  return `${localDateTime(at, timeZone)}:${String(at.getUTCSeconds()).padStart(2, '0')}`;
}

/** `██████░░░░`: the share (capped at 1) of `width` cells filled. */
export function bar(share: number, width: number): string {
  const filled = Math.round(Math.min(Math.max(share, 0), 1) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** An instant as ISO 8601 without milliseconds, for the plain output. */
export function isoSeconds(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
