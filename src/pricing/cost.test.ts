import { describe, expect, it } from 'vitest';
import { emptyUsage, type TokenUsage } from '../shared/token-usage.js';
import { costOf, PRICE_TABLE_VERSION } from './index.js';

const NOW = new Date('2026-11-24T12:00:00Z');

function usage(fields: Partial<TokenUsage>): TokenUsage {
  return { ...emptyUsage(), ...fields };
}

/** The cost in pico-dollars, failing the test when the model is unknown. */
function pico(model: string, fields: Partial<TokenUsage>, at = NOW): bigint {
  const cost = costOf(model, usage(fields), at);
  if (cost === null) throw new Error(`${model} was not priced`);
  return cost.picoUsd;
}

describe('costOf', () => {
  it('prices every bucket of an Opus 4.5 request at its own rate', () => {
    const cost = costOf(
      'claude-opus-4-5',
      usage({ inputTokens: 1000, outputTokens: 500, cacheWriteTokens: 500, cacheWrite5mTokens: 200, cacheWrite1hTokens: 300, cacheReadTokens: 4000 }),
      NOW,
    );
    expect(cost).toEqual({
      // 1000×5_000_000 + 200×6_250_000 + 300×10_000_000 + 4000×500_000 + 500×25_000_000
      // = 5_000_000_000 + 1_250_000_000 + 3_000_000_000 + 2_000_000_000 + 12_500_000_000 ($0.02375)
      picoUsd: 23_750_000_000n,
      priceVersion: PRICE_TABLE_VERSION,
      model: 'claude-opus-4-5',
      longContext: false,
    });
  });

  it('prices 1h cache writes at the 1h rate, not the 5m one (the subscription undercount)', () => {
    // 100_000×10_000_000 = $1.00; at the 5m rate it would be 100_000×6_250_000 = $0.625.
    expect(pico('claude-opus-4-5', { cacheWriteTokens: 100_000, cacheWrite1hTokens: 100_000 })).toBe(1_000_000_000_000n);
  });

  it('prices cache writes the breakdown does not explain at the 5m rate (server-tool quirk)', () => {
    // 600 unexplained × 6_250_000 + 400×10_000_000 = 3_750_000_000 + 4_000_000_000
    expect(pico('claude-opus-4-5', { cacheWriteTokens: 1000, cacheWrite1hTokens: 400 })).toBe(7_750_000_000n);
    // No breakdown at all: 1000×6_250_000
    expect(pico('claude-opus-4-5', { cacheWriteTokens: 1000 })).toBe(6_250_000_000n);
  });

  it('never charges cache writes twice: the total is not an extra bucket', () => {
    // 200×6_250_000 + 300×10_000_000 = 1_250_000_000 + 3_000_000_000, whether or not the total is set
    expect(pico('claude-opus-4-5', { cacheWriteTokens: 500, cacheWrite5mTokens: 200, cacheWrite1hTokens: 300 })).toBe(4_250_000_000n);
    expect(pico('claude-opus-4-5', { cacheWrite5mTokens: 200, cacheWrite1hTokens: 300 })).toBe(4_250_000_000n);
  });

  describe('long-context tier (Sonnet 4 / 4.5, above 200K prompt tokens)', () => {
    it('keeps standard prices at exactly 200,000 prompt tokens', () => {
      const cost = costOf(
        'claude-sonnet-4-5-20250929',
        usage({ inputTokens: 150_000, cacheWriteTokens: 30_000, cacheWrite5mTokens: 30_000, cacheReadTokens: 20_000, outputTokens: 1000 }),
        NOW,
      );
      // 150_000×3_000_000 + 30_000×3_750_000 + 20_000×300_000 + 1000×15_000_000
      // = 450_000_000_000 + 112_500_000_000 + 6_000_000_000 + 15_000_000_000
      expect(cost?.picoUsd).toBe(583_500_000_000n);
      expect(cost?.longContext).toBe(false);
    });

    it('bills the whole request at the tier above 200,000, cache writes and reads included in the count', () => {
      const cost = costOf(
        'claude-sonnet-4-5',
        usage({ inputTokens: 150_001, cacheWriteTokens: 30_000, cacheWrite5mTokens: 30_000, cacheReadTokens: 20_000, outputTokens: 1000 }),
        NOW,
      );
      // 150_001×6_000_000 + 30_000×7_500_000 + 20_000×600_000 + 1000×22_500_000
      // = 900_006_000_000 + 225_000_000_000 + 12_000_000_000 + 22_500_000_000
      expect(cost?.picoUsd).toBe(1_159_506_000_000n);
      expect(cost?.longContext).toBe(true);
    });

    it('counts unexplained cache writes toward the threshold too', () => {
      const cost = costOf('claude-sonnet-4-20250514', usage({ inputTokens: 1, cacheWriteTokens: 200_000, cacheWrite1hTokens: 100_000 }), NOW);
      // 1×6_000_000 + 100_000 unexplained ×7_500_000 + 100_000×12_000_000
      // = 6_000_000 + 750_000_000_000 + 1_200_000_000_000
      expect(cost?.picoUsd).toBe(1_950_006_000_000n);
      expect(cost?.longContext).toBe(true);
    });

    it('has no tier on Sonnet 4.6', () => {
      // 300_000×3_000_000
      expect(pico('claude-sonnet-4-6', { inputTokens: 300_000 })).toBe(900_000_000_000n);
    });
  });

  describe('Haiku 5.5 prompt-length tier at 100K', () => {
    it('uses the low prices at exactly 100,000 prompt tokens', () => {
      // 100_000×100_000 + 1000×500_000 = 10_000_000_000 + 500_000_000
      expect(pico('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 1000 })).toBe(10_500_000_000n);
    });

    it('bills the whole request at the high prices from 100,001', () => {
      const cost = costOf('claude-haiku-5-5', usage({ inputTokens: 100_001, outputTokens: 1000 }), NOW);
      // 100_001×500_000 + 1000×2_500_000 = 50_000_500_000 + 2_500_000_000
      expect(cost?.picoUsd).toBe(52_500_500_000n);
      expect(cost?.longContext).toBe(true);
    });
  });

  describe('dated entries', () => {
    it('prices Sonnet 5.5 cache reads at 0.20 before 2026-10-07 and 0.10 from that day (UTC)', () => {
      const reads = { cacheReadTokens: 1_000_000 };
      // 1_000_000×200_000 = $0.20
      expect(pico('claude-sonnet-5-5', reads, new Date('2026-10-06T23:59:59.999Z'))).toBe(200_000_000_000n);
      // 1_000_000×100_000 = $0.10
      expect(pico('claude-sonnet-5-5', reads, new Date('2026-10-07T00:00:00.000Z'))).toBe(100_000_000_000n);
    });

    it('prices a timestamp before the first entry at the launch price rather than not at all', () => {
      // 1000×5_000_000
      expect(pico('claude-opus-4-5', { inputTokens: 1000 }, new Date('2000-01-01T00:00:00Z'))).toBe(5_000_000_000n);
    });

    it('rejects an invalid date instead of guessing an entry', () => {
      expect(() => costOf('claude-opus-4-5', emptyUsage(), new Date('nope'))).toThrow(RangeError);
    });
  });

  describe('inference_geo "us"', () => {
    const request = { inputTokens: 1000, outputTokens: 1000 };

    it('bills 1.1× on Opus 4.6', () => {
      // 1000×(5_000_000×11/10) + 1000×(25_000_000×11/10) = 5_500_000_000 + 27_500_000_000
      expect(pico('claude-opus-4-6', { ...request, inferenceGeo: 'us' })).toBe(33_000_000_000n);
      // 1000×5_000_000 + 1000×25_000_000
      expect(pico('claude-opus-4-6', { ...request, inferenceGeo: 'global' })).toBe(30_000_000_000n);
    });

    it('does not apply to Opus 4.5', () => {
      // 1000×5_000_000 + 1000×25_000_000
      expect(pico('claude-opus-4-5', { ...request, inferenceGeo: 'us' })).toBe(30_000_000_000n);
    });

    it('applies to 5.x models, tiers included', () => {
      // 100_001×(500_000×11/10) = 100_001×550_000
      expect(pico('claude-haiku-5-5', { inputTokens: 100_001, inferenceGeo: 'us' })).toBe(55_000_550_000n);
    });
  });

  it('adds $10 per 1,000 web searches; web fetch costs only tokens', () => {
    const fields = { inputTokens: 100, serverToolUse: { web_search_requests: 3, web_fetch_requests: 2 } };
    // 100×3_000_000 + 3×10_000_000_000 = 300_000_000 + 30_000_000_000
    expect(pico('claude-sonnet-4-5', fields)).toBe(30_300_000_000n);
  });

  it('prices Opus 5.5 with the assumed standard cache-write multipliers', () => {
    const fields = { inputTokens: 1000, outputTokens: 1000, cacheWriteTokens: 2000, cacheWrite5mTokens: 1000, cacheWrite1hTokens: 1000, cacheReadTokens: 1000 };
    // 1000×(4_000_000 + 5_000_000 + 8_000_000 + 200_000 + 20_000_000) = 1000×37_200_000
    expect(pico('claude-opus-5-5', fields)).toBe(37_200_000_000n);
  });

  it('stays exact past 2^53, where float arithmetic would round', () => {
    // 123_456_789_012_345×75_000_000 (Opus 4 output); as a float this is 9_259_259_175_925_875_474_432
    const cost = pico('claude-opus-4-0', { outputTokens: 123_456_789_012_345 });
    expect(typeof cost).toBe('bigint');
    expect(cost).toBe(9_259_259_175_925_875_000_000n);
  });

  it('costs a known model with no tokens $0, and an unknown model null (never $0)', () => {
    expect(pico('claude-haiku-4-5', {})).toBe(0n);
    expect(costOf('claude-opus-4-9', usage({ inputTokens: 1000 }), NOW)).toBeNull();
    expect(costOf('gpt-4o', usage({ inputTokens: 1000 }), NOW)).toBeNull();
  });

  it.each([1.5, -1, Number.NaN, 2 ** 53])('rejects a token count of %s rather than pricing nonsense', (count) => {
    expect(() => costOf('claude-opus-4-5', usage({ inputTokens: count }), NOW)).toThrow(RangeError);
  });
});
