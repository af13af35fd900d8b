/**
 * What prompt caching did for a range: the hit ratio, and what the cache reads saved — their tokens
 * at the model's input price minus what they cost as reads. Pure; prices come from src/pricing.
 */
import { costOf, picoToUsdString } from '../pricing/index.js';
import { emptyUsage, type TokenUsage } from '../shared/token-usage.js';

/** Cache reads over every prompt token (input + cache writes + cache reads); null with no prompt tokens. */
export function cacheHitRatio(totals: { inputTokens: number; cacheWriteTokens: number; cacheReadTokens: number }): number | null {
  const prompt = totals.inputTokens + totals.cacheWriteTokens + totals.cacheReadTokens;
  return prompt === 0 ? null : totals.cacheReadTokens / prompt;
}

/**
 * Pico-USD the cache reads of one model saved, or null when the model has no price. Per-token
 * prices (one token of each kind through costOf) so a large sum never crosses a long-context tier.
 * @example cacheSavingsPico('claude-opus-5-5', 20_000, new Date()) // 20000 × (4 − 0.2) $/MTok = 76_000_000_000n
 */
export function cacheSavingsPico(model: string, cacheReadTokens: number, at: Date): bigint | null {
  const price = (fields: Partial<TokenUsage>): bigint | null => costOf(model, { ...emptyUsage(), ...fields }, at)?.picoUsd ?? null;
  const input = price({ inputTokens: 1 });
  const read = price({ cacheReadTokens: 1 });
  if (input === null || read === null) return null;
  return BigInt(cacheReadTokens) * (input - read);
}

/** Summed over a per-model breakdown, as an exact USD decimal string; models without a price are left out. */
export function cacheSavingsUsd(byModel: readonly { key: string; cacheReadTokens: number }[], at: Date): string {
  let pico = 0n;
  for (const row of byModel) {
    if (row.key === '' || row.cacheReadTokens === 0) continue;
    pico += cacheSavingsPico(row.key, row.cacheReadTokens, at) ?? 0n;
  }
  return picoToUsdString(pico);
}
