/**
 * How the pages write figures. public/nexus.js writes live updates with the same rules, so a
 * figure reads the same before and after it changes.
 */
import { formatUsd, usdStringToPico } from '../pricing/index.js';

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const WHOLE = new Intl.NumberFormat('en-US');

/** An exact USD decimal string for people: 2 places from a dollar up, 4 below; `—` for none. */
export function formatUsdText(usd: string | null): string {
  return usd === null ? '—' : formatUsd(usdStringToPico(usd));
}

/** `12,345` */
export function formatCount(n: number): string {
  return WHOLE.format(n);
}

/** `12.3K`, `4.5M` */
export function formatCompact(n: number): string {
  return COMPACT.format(n);
}

/** `12.3%`, or `—` for null. */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

/** Relative change against the previous range: `+12.3%`, `−4.0%`, `new` (from zero), `—` (both zero). */
export function formatChange(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '—' : 'new';
  const change = ((current - previous) / previous) * 100;
  return `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)}%`;
}

/** `Nov 24, 14:05` in the zone. */
export function formatDateTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** `2 h 05 min`, `12 min`, `0 min`. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(Math.round(ms / 60_000), 0);
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${String(Math.round(hours / 24))} days`;
  return hours === 0 ? `${String(minutes)} min` : `${String(hours)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A stored model, domain or account as a label: empty means the request named none. */
export function keyLabel(key: string | null): string {
  return key === null || key === '' ? '(none)' : key;
}

/** `Nov 24, 14:05:09` in the zone (requests are seconds apart). */
export function formatDateTimeSeconds(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);
}

/** `840 ms`, `12.3 s`, `4 min 05 s`; `—` for none. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${String(Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${String(Math.floor(seconds / 60))} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** How long something lasted: `12.3 s` under a minute, else as formatDuration (`4 min`, `2 h 05 min`). */
export function formatSpan(ms: number): string {
  return ms < 60_000 ? formatMs(ms) : formatDuration(ms);
}

/** A long id shortened for a table cell (`0b6ad5a4…c9e0aa`); the whole id goes in a title. */
export function shortId(id: string): string {
  return id.length > 18 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}

/** `12.3 KB`, `4.5 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
