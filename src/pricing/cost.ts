// costOf: the exact price of one response's usage, in pico-dollars, from the entry in force at its time.
import type { TokenUsage } from '../shared/token-usage.js';
import { lookupModel } from './model-match.js';
import {
  PRICE_TABLE_VERSION,
  US_GEO_DENOMINATOR,
  US_GEO_NUMERATOR,
  WEB_SEARCH_PICO_PER_REQUEST,
  type BucketPrices,
  type PriceEntry,
} from './price-table.js';

export interface Cost {
  /** Total cost in pico-dollars (10^-12 USD): token buckets plus server-tool fees. */
  picoUsd: bigint;
  /** {@link PRICE_TABLE_VERSION} of the table that priced it. */
  priceVersion: string;
  /** The table entry matched, e.g. `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`. */
  model: string;
  /** The prompt crossed the model's tier threshold, so the whole request was billed at the tier's prices. */
  longContext: boolean;
}

/** Token counts must be non-negative safe integers; BigInt would otherwise throw an unhelpful error or go negative. */
function tokens(count: number, field: string): bigint {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`usage.${field} must be a non-negative integer, got ${count}`);
  return BigInt(count);
}

function entryAt(entries: readonly [PriceEntry, ...PriceEntry[]], at: Date): PriceEntry {
  const time = at.getTime();
  if (Number.isNaN(time)) throw new RangeError('costOf needs a valid date');
  let inForce = entries[0];
  for (const entry of entries) {
    // A date-only ISO string parses as UTC midnight, the day the new price starts.
    if (Date.parse(entry.effectiveFrom) <= time) inForce = entry;
  }
  return inForce;
}

function withUsGeo(prices: BucketPrices): BucketPrices {
  const scale = (price: bigint): bigint => (price * US_GEO_NUMERATOR) / US_GEO_DENOMINATOR;
  return {
    input: scale(prices.input),
    cacheWrite5m: scale(prices.cacheWrite5m),
    cacheWrite1h: scale(prices.cacheWrite1h),
    cacheRead: scale(prices.cacheRead),
    output: scale(prices.output),
  };
}

/**
 * Prices one response. Returns null for a model the table does not know: the caller records the
 * usage with a null cost and warns, never $0.
 *
 * Cache writes: `cacheWriteTokens` is the total, not an extra bucket. The 5m and 1h parts are
 * priced at their own rates; any part of the total the breakdown does not explain (seen with server
 * tools, LiteLLM #42663) is priced at the 5m rate.
 * @example costOf('claude-opus-4-5-20251101', usage, new Date())?.picoUsd
 */
export function costOf(model: string, usage: TokenUsage, at: Date): Cost | null {
  const matched = lookupModel(model);
  if (matched === null) return null;
  const input = tokens(usage.inputTokens, 'inputTokens');
  const output = tokens(usage.outputTokens, 'outputTokens');
  const write5m = tokens(usage.cacheWrite5mTokens, 'cacheWrite5mTokens');
  const write1h = tokens(usage.cacheWrite1hTokens, 'cacheWrite1hTokens');
  const writeTotal = tokens(usage.cacheWriteTokens, 'cacheWriteTokens');
  const read = tokens(usage.cacheReadTokens, 'cacheReadTokens');
  const searches = tokens(usage.serverToolUse['web_search_requests'] ?? 0, 'serverToolUse.web_search_requests');

  const unexplainedWrites = writeTotal > write5m + write1h ? writeTotal - write5m - write1h : 0n;
  const prompt = input + write5m + write1h + unexplainedWrites + read;
  const entry = entryAt(matched.pricing.entries, at);
  // The tier is all or nothing: above the threshold every bucket of the request moves to it.
  const tier = entry.tier !== undefined && prompt > BigInt(entry.tier.aboveTokens) ? entry.tier : undefined;
  const base = tier?.prices ?? entry.prices;
  // Data residency bills token buckets only; the web search fee is not listed as affected.
  const usGeo = matched.pricing.usGeoSurcharge && usage.inferenceGeo?.toLowerCase() === 'us';
  const prices = usGeo ? withUsGeo(base) : base;

  const picoUsd =
    input * prices.input +
    (write5m + unexplainedWrites) * prices.cacheWrite5m +
    write1h * prices.cacheWrite1h +
    read * prices.cacheRead +
    output * prices.output +
    searches * WEB_SEARCH_PICO_PER_REQUEST;
  return { picoUsd, priceVersion: PRICE_TABLE_VERSION, model: matched.id, longContext: tier !== undefined };
}
