/** The server's own plan and rate-limit state, from the `anthropic-ratelimit-*` response headers. */
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitSnapshot } from '../storage/index.js';

const PREFIX = 'anthropic-ratelimit-';

/** Every rate-limit header of a response, or null when it carried none. */
export function rateLimitSnapshot(headers: IncomingHttpHeaders): RateLimitSnapshot | null {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(PREFIX) && value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  if (Object.keys(kept).length === 0) return null;
  return {
    headers: kept,
    unifiedStatus: kept[`${PREFIX}unified-status`] ?? null,
    fiveHourUtilization: fraction(kept[`${PREFIX}unified-5h-utilization`]),
    fiveHourReset: unixSecondsToIso(kept[`${PREFIX}unified-5h-reset`]),
    sevenDayUtilization: fraction(kept[`${PREFIX}unified-7d-utilization`]),
    sevenDayReset: unixSecondsToIso(kept[`${PREFIX}unified-7d-reset`]),
  };
}

function fraction(value: string | undefined): number | null {
  if (value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

function unixSecondsToIso(value: string | undefined): string | null {
  if (value === undefined || !/^\d{9,11}$/.test(value)) return null;
  return new Date(Number(value) * 1000).toISOString();
}
