// Which price-table entry a model id names: exact id, then the id without its date suffix, then an alias.
import { MODEL_ALIASES, PRICE_TABLE, type ModelPrices } from './price-table.js';

/** A snapshot date (`-20250929`) or `-latest` at the end of an id names the same model family. */
const DATED_SUFFIX = /-(?:\d{8}|latest)$/;

export interface PricedModel {
  /** The table key matched, e.g. `claude-sonnet-4-5` for `claude-sonnet-4-5-20250929`. */
  readonly id: string;
  readonly pricing: ModelPrices;
}

/**
 * Finds the table entry for a model id. Matching is by whole id only, never by prefix, so an
 * unknown `claude-opus-4-9` is null rather than priced as `claude-opus-4`.
 */
export function lookupModel(model: string): PricedModel | null {
  const exact = model.trim().toLowerCase();
  const undated = exact.replace(DATED_SUFFIX, '');
  for (const candidate of [exact, undated, MODEL_ALIASES.get(exact), MODEL_ALIASES.get(undated)]) {
    if (candidate === undefined) continue;
    const pricing = PRICE_TABLE.get(candidate);
    if (pricing !== undefined) return { id: candidate, pricing };
  }
  return null;
}

/**
 * The table entry a model id is priced as, or null when unknown.
 * @example resolvePricedModel('claude-opus-4-20250514') // 'claude-opus-4'
 */
export function resolvePricedModel(model: string): string | null {
  return lookupModel(model)?.id ?? null;
}
