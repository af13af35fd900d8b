import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from './login-limiter.js';

describe('login limiter', () => {
  it('blocks an address after its failures in the window, and lets it in once they age out', () => {
    const limiter = createLoginLimiter({ maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('a', 1000 + i)).toBe(0);
      limiter.fail('a', 1000 + i);
    }
    expect(limiter.retryAfterMs('a', 2000)).toBe(59_000);
    expect(limiter.retryAfterMs('b', 2000)).toBe(0);
    expect(limiter.retryAfterMs('a', 61_001)).toBe(0);
  });

  it('forgets an address on success, and forgets the oldest beyond its size', () => {
    const limiter = createLoginLimiter({ maxFailures: 1, maxAddresses: 2 });
    limiter.fail('a', 0);
    limiter.succeed('a');
    expect(limiter.retryAfterMs('a', 1)).toBe(0);
    limiter.fail('x', 0);
    limiter.fail('y', 0);
    limiter.fail('z', 0);
    expect(limiter.retryAfterMs('x', 1)).toBe(0);
    expect(limiter.retryAfterMs('z', 1)).toBeGreaterThan(0);
  });
});
