// The dated per-model price table: exact pico-dollars per token, transcribed from the wire doc's "Prices" section.

/**
 * Identifies this table; stored beside each cost so a figure can be traced to the prices behind it.
 * Bump it (to the day of the edit) whenever an entry is added or changed.
 */
export const PRICE_TABLE_VERSION = '2026-11-24';

/** Price of one token in each usage bucket, in pico-dollars: 1 USD per MTok = 1_000_000n. */
export interface BucketPrices {
  readonly input: bigint;
  readonly cacheWrite5m: bigint;
  readonly cacheWrite1h: bigint;
  readonly cacheRead: bigint;
  readonly output: bigint;
}

/** Above `aboveTokens` prompt tokens (input + cache writes + cache reads) the WHOLE request uses `prices`. */
export interface PriceTier {
  readonly aboveTokens: number;
  readonly prices: BucketPrices;
}

export interface PriceEntry {
  /** UTC day (`YYYY-MM-DD`) from which this entry is in force, until the next entry's day. */
  readonly effectiveFrom: string;
  readonly prices: BucketPrices;
  readonly tier?: PriceTier;
}

export interface ModelPrices {
  /** Oldest first. The first entry also prices any earlier timestamp: a skewed clock must not unprice a request. */
  readonly entries: readonly [PriceEntry, ...PriceEntry[]];
  /** `inference_geo: "us"` bills every token bucket at 1.1× (Opus/Sonnet 4.6 and later, all 5.x). */
  readonly usGeoSurcharge: boolean;
}

/** `inference_geo: "us"` multiplier as an exact ratio; every price in the table is divisible by 10. */
export const US_GEO_NUMERATOR = 11n;
export const US_GEO_DENOMINATOR = 10n;

/** Web search is billed on top of tokens: $10 per 1,000 searches = 10^10 pico$ each. Web fetch costs only tokens. */
export const WEB_SEARCH_PICO_PER_REQUEST = 10_000_000_000n;

/** Launch prices: no later change is recorded, so the first entry covers all time. */
const LAUNCH = '1970-01-01';

const OPUS_4_5: BucketPrices = { input: 5_000_000n, cacheWrite5m: 6_250_000n, cacheWrite1h: 10_000_000n, cacheRead: 500_000n, output: 25_000_000n };
const OPUS_4: BucketPrices = { input: 15_000_000n, cacheWrite5m: 18_750_000n, cacheWrite1h: 30_000_000n, cacheRead: 1_500_000n, output: 75_000_000n };
const SONNET_4: BucketPrices = { input: 3_000_000n, cacheWrite5m: 3_750_000n, cacheWrite1h: 6_000_000n, cacheRead: 300_000n, output: 15_000_000n };
/** Sonnet 4 / 4.5 above 200K prompt tokens (1M-context beta); figures as LiteLLM carries them. */
const SONNET_4_LONG: BucketPrices = { input: 6_000_000n, cacheWrite5m: 7_500_000n, cacheWrite1h: 12_000_000n, cacheRead: 600_000n, output: 22_500_000n };
const HAIKU_4_5: BucketPrices = { input: 1_000_000n, cacheWrite5m: 1_250_000n, cacheWrite1h: 2_000_000n, cacheRead: 100_000n, output: 5_000_000n };
const HAIKU_3_5: BucketPrices = { input: 800_000n, cacheWrite5m: 1_000_000n, cacheWrite1h: 1_600_000n, cacheRead: 80_000n, output: 4_000_000n };
// Haiku 3's 5m write is listed as 0.30 (1.2×, not the usual 1.25×): taken as published.
const HAIKU_3: BucketPrices = { input: 250_000n, cacheWrite5m: 300_000n, cacheWrite1h: 500_000n, cacheRead: 30_000n, output: 1_250_000n };
// Opus 5.5: only input, output and a 0.05× cache read are published; the writes assume the
// standard 1.25× (5m) and 2× (1h) of input until a source gives them.
const OPUS_5_5: BucketPrices = { input: 4_000_000n, cacheWrite5m: 5_000_000n, cacheWrite1h: 8_000_000n, cacheRead: 200_000n, output: 20_000_000n };
const SONNET_5: BucketPrices = { input: 2_000_000n, cacheWrite5m: 2_500_000n, cacheWrite1h: 4_000_000n, cacheRead: 200_000n, output: 10_000_000n };
const HAIKU_5_5: BucketPrices = { input: 100_000n, cacheWrite5m: 125_000n, cacheWrite1h: 200_000n, cacheRead: 10_000n, output: 500_000n };
const HAIKU_5_5_LONG: BucketPrices = { input: 500_000n, cacheWrite5m: 625_000n, cacheWrite1h: 1_000_000n, cacheRead: 50_000n, output: 2_500_000n };
const FABLE_5: BucketPrices = { input: 10_000_000n, cacheWrite5m: 12_500_000n, cacheWrite1h: 20_000_000n, cacheRead: 1_000_000n, output: 50_000_000n };
// 5.1 cut the cache read to 0.025× input; everything else as 5.
const FABLE_5_1: BucketPrices = { ...FABLE_5, cacheRead: 250_000n };

function fixed(prices: BucketPrices, usGeoSurcharge: boolean): ModelPrices {
  return { entries: [{ effectiveFrom: LAUNCH, prices }], usGeoSurcharge };
}

/** Keyed by the model id as the API spells it, without a date suffix. */
export const PRICE_TABLE: ReadonlyMap<string, ModelPrices> = new Map<string, ModelPrices>([
  ['claude-opus-4-8', fixed(OPUS_4_5, true)],
  ['claude-opus-4-7', fixed(OPUS_4_5, true)],
  ['claude-opus-4-6', fixed(OPUS_4_5, true)],
  ['claude-opus-4-5', fixed(OPUS_4_5, false)],
  ['claude-opus-4-1', fixed(OPUS_4, false)],
  ['claude-opus-4', fixed(OPUS_4, false)],
  // Whether Sonnet 4.6 has a long-context tier is not known; it is priced flat.
  ['claude-sonnet-4-6', fixed(SONNET_4, true)],
  ['claude-sonnet-4-5', { entries: [{ effectiveFrom: LAUNCH, prices: SONNET_4, tier: { aboveTokens: 200_000, prices: SONNET_4_LONG } }], usGeoSurcharge: false }],
  ['claude-sonnet-4', { entries: [{ effectiveFrom: LAUNCH, prices: SONNET_4, tier: { aboveTokens: 200_000, prices: SONNET_4_LONG } }], usGeoSurcharge: false }],
  ['claude-haiku-4-5', fixed(HAIKU_4_5, false)],
  ['claude-3-5-haiku', fixed(HAIKU_3_5, false)],
  ['claude-3-haiku', fixed(HAIKU_3, false)],
  ['claude-opus-5', fixed(OPUS_4_5, true)],
  ['claude-opus-5-5', fixed(OPUS_5_5, true)],
  ['claude-sonnet-5', fixed(SONNET_5, true)],
  [
    'claude-sonnet-5-5',
    {
      // The cache-read cut to 0.10 took effect on 2026-10-07 (claudit v1.9.2, PromptFuel v1.0.23).
      entries: [
        { effectiveFrom: LAUNCH, prices: SONNET_5 },
        { effectiveFrom: '2026-10-07', prices: { ...SONNET_5, cacheRead: 100_000n } },
      ],
      usGeoSurcharge: true,
    },
  ],
  ['claude-haiku-5-5', { entries: [{ effectiveFrom: LAUNCH, prices: HAIKU_5_5, tier: { aboveTokens: 100_000, prices: HAIKU_5_5_LONG } }], usGeoSurcharge: true }],
  ['claude-fable-5', fixed(FABLE_5, true)],
  ['claude-mythos-5', fixed(FABLE_5, true)],
  ['claude-fable-5-1', fixed(FABLE_5_1, true)],
  ['claude-mythos-5-1', fixed(FABLE_5_1, true)],
]);

/** Ids that name a table entry but are not it with a date suffix removed. */
export const MODEL_ALIASES: ReadonlyMap<string, string> = new Map([
  ['claude-opus-4-0', 'claude-opus-4'],
  ['claude-sonnet-4-0', 'claude-sonnet-4'],
]);
