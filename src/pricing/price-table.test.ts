import { describe, expect, it } from 'vitest';
import { MODEL_ALIASES, PRICE_TABLE, PRICE_TABLE_VERSION, type BucketPrices } from './price-table.js';
import { usdStringToPico } from './usd.js';

/** USD per MTok as the wire doc prints it → pico$ per token (÷10^6), exact or the test fails. */
function perToken(usdPerMTok: string): bigint {
  const pico = usdStringToPico(usdPerMTok);
  expect(pico % 1_000_000n).toBe(0n);
  return pico / 1_000_000n;
}

function bucket(input: string, write5m: string, write1h: string, read: string, output: string): BucketPrices {
  return { input: perToken(input), cacheWrite5m: perToken(write5m), cacheWrite1h: perToken(write1h), cacheRead: perToken(read), output: perToken(output) };
}

// A second, independent transcription of /work/shared/anthropic-wire.md "Prices": input, 5m, 1h, read, output.
const OPUS_4_5 = bucket('5', '6.25', '10', '0.50', '25');
const OPUS_4 = bucket('15', '18.75', '30', '1.50', '75');
const SONNET_4 = bucket('3', '3.75', '6', '0.30', '15');
const SONNET_5 = bucket('2', '2.50', '4', '0.20', '10');
const FABLE_5 = bucket('10', '12.50', '20', '1.00', '50');
const FABLE_5_1 = bucket('10', '12.50', '20', '0.25', '50');
const LAUNCH_PRICES: Record<string, BucketPrices> = {
  'claude-opus-4-8': OPUS_4_5,
  'claude-opus-4-7': OPUS_4_5,
  'claude-opus-4-6': OPUS_4_5,
  'claude-opus-4-5': OPUS_4_5,
  'claude-opus-4-1': OPUS_4,
  'claude-opus-4': OPUS_4,
  'claude-sonnet-4-6': SONNET_4,
  'claude-sonnet-4-5': SONNET_4,
  'claude-sonnet-4': SONNET_4,
  'claude-haiku-4-5': bucket('1', '1.25', '2', '0.10', '5'),
  'claude-3-5-haiku': bucket('0.80', '1', '1.60', '0.08', '4'),
  'claude-3-haiku': bucket('0.25', '0.30', '0.50', '0.03', '1.25'),
  'claude-opus-5': OPUS_4_5,
  'claude-opus-5-5': bucket('4', '5', '8', '0.20', '20'),
  'claude-sonnet-5': SONNET_5,
  'claude-sonnet-5-5': SONNET_5,
  'claude-haiku-5-5': bucket('0.10', '0.125', '0.20', '0.01', '0.50'),
  'claude-fable-5': FABLE_5,
  'claude-mythos-5': FABLE_5,
  'claude-fable-5-1': FABLE_5_1,
  'claude-mythos-5-1': FABLE_5_1,
};
const US_GEO_MODELS = new Set([
  ...['claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-sonnet-4-6'],
  ...['claude-opus-5', 'claude-opus-5-5', 'claude-sonnet-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'],
  ...['claude-fable-5', 'claude-mythos-5', 'claude-fable-5-1', 'claude-mythos-5-1'],
]);

describe('PRICE_TABLE', () => {
  it('holds exactly the models of the wire doc', () => {
    expect([...PRICE_TABLE.keys()].sort()).toEqual(Object.keys(LAUNCH_PRICES).sort());
  });

  it.each(Object.entries(LAUNCH_PRICES))('launches %s at the documented prices', (model, prices) => {
    expect(PRICE_TABLE.get(model)?.entries[0].prices).toEqual(prices);
  });

  it('carries the documented tiers and dated changes', () => {
    expect(PRICE_TABLE.get('claude-sonnet-4')?.entries[0].tier).toEqual({ aboveTokens: 200_000, prices: bucket('6', '7.50', '12', '0.60', '22.50') });
    expect(PRICE_TABLE.get('claude-sonnet-4-5')?.entries[0].tier).toEqual({ aboveTokens: 200_000, prices: bucket('6', '7.50', '12', '0.60', '22.50') });
    expect(PRICE_TABLE.get('claude-haiku-5-5')?.entries[0].tier).toEqual({ aboveTokens: 100_000, prices: bucket('0.50', '0.625', '1.00', '0.05', '2.50') });
    expect(PRICE_TABLE.get('claude-sonnet-5-5')?.entries[1]).toEqual({ effectiveFrom: '2026-10-07', prices: { ...SONNET_5, cacheRead: perToken('0.10') } });
  });

  it('applies the us surcharge to Opus/Sonnet 4.6 and later and every 5.x model only', () => {
    for (const [model, pricing] of PRICE_TABLE) {
      expect(pricing.usGeoSurcharge, model).toBe(US_GEO_MODELS.has(model));
    }
  });

  it('keeps every entry well formed: dated in order, tiers positive, prices exact under the 1.1× surcharge', () => {
    for (const [model, { entries }] of PRICE_TABLE) {
      const days = entries.map((entry) => entry.effectiveFrom);
      expect(days, model).toEqual([...days].sort());
      expect(new Set(days).size, model).toBe(days.length);
      for (const entry of entries) {
        expect(entry.effectiveFrom, model).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(new Date(`${entry.effectiveFrom}T00:00:00Z`).toISOString().slice(0, 10), model).toBe(entry.effectiveFrom);
        // The version is bumped with every change, so it is never older than an entry.
        expect(entry.effectiveFrom <= PRICE_TABLE_VERSION, model).toBe(true);
        const sets = entry.tier === undefined ? [entry.prices] : [entry.prices, entry.tier.prices];
        for (const price of sets.flatMap((p) => [p.input, p.cacheWrite5m, p.cacheWrite1h, p.cacheRead, p.output])) {
          expect(price > 0n && price % 10n === 0n, `${model} ${price.toString()}`).toBe(true);
        }
        if (entry.tier !== undefined) expect(Number.isSafeInteger(entry.tier.aboveTokens) && entry.tier.aboveTokens > 0, model).toBe(true);
      }
    }
  });

  it('points every alias at a table entry', () => {
    for (const target of MODEL_ALIASES.values()) expect(PRICE_TABLE.has(target), target).toBe(true);
  });
});
