/**
 * Failed logins per client address in a sliding window: past the limit, the login form answers 429
 * without checking the key, so the key cannot be guessed at speed. In memory, bounded in size.
 */

export interface LoginLimiter {
  /** Milliseconds until this address may try again, or 0 when it may now. */
  retryAfterMs(address: string, nowMs?: number): number;
  fail(address: string, nowMs?: number): void;
  succeed(address: string): void;
}

export interface LoginLimiterOptions {
  /** Failures allowed per window (default 10). */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** Addresses tracked at most; the oldest are forgotten first (default 10,000). */
  maxAddresses?: number;
}

export function createLoginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const maxAddresses = options.maxAddresses ?? 10_000;
  if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new RangeError('maxFailures must be a positive integer');
  const failures = new Map<string, number[]>();

  const recent = (address: string, nowMs: number): number[] => {
    const kept = (failures.get(address) ?? []).filter((at) => nowMs - at < windowMs);
    if (kept.length === 0) failures.delete(address);
    else failures.set(address, kept);
    return kept;
  };

  return {
    retryAfterMs(address, nowMs = Date.now()) {
      const kept = recent(address, nowMs);
      const oldest = kept[kept.length - maxFailures];
      return kept.length >= maxFailures && oldest !== undefined ? oldest + windowMs - nowMs : 0;
    },
    fail(address, nowMs = Date.now()) {
      const kept = recent(address, nowMs);
      // Re-inserted last, so the map's first key is the address that failed longest ago.
      failures.delete(address);
      failures.set(address, [...kept, nowMs].slice(-maxFailures));
      while (failures.size > maxAddresses) {
        const oldest = failures.keys().next().value;
        if (oldest === undefined) break;
        failures.delete(oldest);
      }
    },
    succeed(address) {
      failures.delete(address);
    },
  };
}
