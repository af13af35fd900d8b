import { describe, expect, it } from 'vitest';
import { cacheHitRatio, cacheSavingsPico, cacheSavingsUsd } from './cache-figures.js';

const AT = new Date('2026-11-24T00:00:00Z');

describe('cache figures', () => {
  it('is cache reads over all prompt tokens', () => {
    expect(cacheHitRatio({ inputTokens: 4000, cacheWriteTokens: 2000, cacheReadTokens: 15_000 })).toBeCloseTo(15 / 21, 12);
    expect(cacheHitRatio({ inputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 })).toBeNull();
  });

  it('prices the saving per token, so a huge sum never lands on a long-context tier', () => {
    // claude-opus-5-5: input $4, cache read $0.20 per MTok → 3.8 µ$ saved per token read.
    expect(cacheSavingsPico('claude-opus-5-5', 10_000, AT)).toBe(38_000_000_000n);
    // claude-sonnet-4-5 has a tier above 200K prompt tokens; 1M reads still save at the base 3 − 0.3.
    expect(cacheSavingsPico('claude-sonnet-4-5', 1_000_000, AT)).toBe(2_700_000_000_000n);
    expect(cacheSavingsPico('claude-future-9', 10, AT)).toBeNull();
  });

  it('sums a per-model breakdown exactly, leaving out unpriced and empty models', () => {
    const saved = cacheSavingsUsd(
      [
        { key: 'claude-opus-5-5', cacheReadTokens: 10_000 },
        { key: 'claude-haiku-4-5', cacheReadTokens: 5000 },
        { key: 'claude-future-9', cacheReadTokens: 999 },
        { key: '', cacheReadTokens: 5 },
      ],
      AT,
    );
    expect(saved).toBe('0.042500000000');
  });
});
