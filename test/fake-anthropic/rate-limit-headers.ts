// Rate-limit response headers: per-key limits for API keys, "unified" plan limits for OAuth.
import type { UnifiedLimits } from './types.js';

const FIVE_HOURS_S = 5 * 3600;
const SEVEN_DAYS_S = 7 * 86400;

export interface RateLimitClock {
  /** Fixed per server, like real windows: every response in a run reports the same resets. */
  fiveHourReset: number;
  sevenDayReset: number;
}

export function createRateLimitClock(nowMs = Date.now()): RateLimitClock {
  const now = Math.floor(nowMs / 1000);
  return { fiveHourReset: now + Math.floor(FIVE_HOURS_S / 2), sevenDayReset: now + Math.floor(SEVEN_DAYS_S / 2) };
}

export const DEFAULT_UNIFIED: UnifiedLimits = Object.freeze({
  status: 'allowed',
  fiveHourUtilization: 0.12,
  sevenDayUtilization: 0.34,
});

/** Observed on every claude.ai-OAuth response (names per anthropic-wire.md; not in the API reference). */
export function unifiedHeaders(limits: UnifiedLimits, clock: RateLimitClock): Record<string, string> {
  const claim = limits.sevenDayUtilization > limits.fiveHourUtilization ? 'seven_day' : 'five_hour';
  return {
    'anthropic-ratelimit-unified-status': limits.status,
    'anthropic-ratelimit-unified-5h-status': limits.fiveHourUtilization >= 1 ? 'rejected' : 'allowed',
    'anthropic-ratelimit-unified-5h-utilization': String(limits.fiveHourUtilization),
    'anthropic-ratelimit-unified-5h-reset': String(clock.fiveHourReset),
    'anthropic-ratelimit-unified-7d-status': limits.sevenDayUtilization >= 1 ? 'rejected' : 'allowed',
    'anthropic-ratelimit-unified-7d-utilization': String(limits.sevenDayUtilization),
    'anthropic-ratelimit-unified-7d-reset': String(clock.sevenDayReset),
    'anthropic-ratelimit-unified-representative-claim': claim,
    'anthropic-ratelimit-unified-fallback-percentage': '0.5',
    'anthropic-ratelimit-unified-reset': String(claim === 'five_hour' ? clock.fiveHourReset : clock.sevenDayReset),
  };
}

/** docs.anthropic.com api/rate-limits: limit/remaining/reset per family, resets in RFC 3339. */
export function apiKeyHeaders(nowMs = Date.now()): Record<string, string> {
  const reset = new Date(Math.ceil(nowMs / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const families: [string, number, number][] = [
    ['requests', 4000, 3999],
    ['tokens', 2_000_000, 1_999_000],
    ['input-tokens', 1_600_000, 1_599_000],
    ['output-tokens', 400_000, 400_000],
  ];
  const headers: Record<string, string> = {};
  for (const [family, limit, remaining] of families) {
    headers[`anthropic-ratelimit-${family}-limit`] = String(limit);
    headers[`anthropic-ratelimit-${family}-remaining`] = String(remaining);
    headers[`anthropic-ratelimit-${family}-reset`] = reset;
  }
  return headers;
}
