/** Token and cost sums of report rows: integers and exact pico-dollars, added without rounding. */
import { picoToUsdString, usdStringToPico } from '../../pricing/index.js';
import type { UsageTotals } from '../../storage/index.js';

export interface UsageSums {
  inputTokens: number;
  outputTokens: number;
  /** Cache writes (ccusage's cacheCreationTokens). */
  cacheCreationTokens: number;
  cacheReadTokens: number;
  requests: number;
  /** Requests to a model without a price: their cost is missing from costPico. */
  unpricedRequests: number;
  /** Cost of the priced requests, in pico-dollars. */
  costPico: bigint;
}

export function emptySums(): UsageSums {
  return { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, requests: 0, unpricedRequests: 0, costPico: 0n };
}

export function sumsOf(totals: UsageTotals): UsageSums {
  return {
    inputTokens: totals.inputTokens,
    outputTokens: totals.outputTokens,
    cacheCreationTokens: totals.cacheWriteTokens,
    cacheReadTokens: totals.cacheReadTokens,
    requests: totals.requests,
    unpricedRequests: totals.unpricedRequests,
    costPico: usdStringToPico(totals.costUsd),
  };
}

/** Adds `more` into `into` (mutates and returns it). */
export function addSums<T extends UsageSums>(into: T, more: UsageSums): T {
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.cacheCreationTokens += more.cacheCreationTokens;
  into.cacheReadTokens += more.cacheReadTokens;
  into.requests += more.requests;
  into.unpricedRequests += more.unpricedRequests;
  into.costPico += more.costPico;
  return into;
}

export function subtractSums(from: UsageSums, less: UsageSums): UsageSums {
  return {
    inputTokens: from.inputTokens - less.inputTokens,
    outputTokens: from.outputTokens - less.outputTokens,
    cacheCreationTokens: from.cacheCreationTokens - less.cacheCreationTokens,
    cacheReadTokens: from.cacheReadTokens - less.cacheReadTokens,
    requests: from.requests - less.requests,
    unpricedRequests: from.unpricedRequests - less.unpricedRequests,
    costPico: from.costPico - less.costPico,
  };
}

export function totalTokens(sums: UsageSums): number {
  return sums.inputTokens + sums.outputTokens + sums.cacheCreationTokens + sums.cacheReadTokens;
}

/** Usage of one model within a period, session or block. */
export interface ModelUsage extends UsageSums {
  /** As recorded; 'unknown' when the request named none (ccusage's word for it). */
  model: string;
}

/**
 * Per-model rows merged by model name, most expensive first (as ccusage orders modelBreakdowns).
 * Rows without tokens or cost (errors, model lists) are left out, as ccusage sees no usage there.
 */
export function mergeModels(rows: readonly { model: string; sums: UsageSums }[]): ModelUsage[] {
  const byModel = new Map<string, ModelUsage>();
  for (const { model, sums } of rows) {
    if (totalTokens(sums) === 0 && sums.costPico === 0n) continue;
    const name = model === '' ? 'unknown' : model;
    const current = byModel.get(name) ?? { model: name, ...emptySums() };
    byModel.set(name, addSums(current, sums));
  }
  return [...byModel.values()].sort((a, b) => (a.costPico === b.costPico ? a.model.localeCompare(b.model) : a.costPico > b.costPico ? -1 : 1));
}

/** Pico-dollars as a JSON number of dollars (ccusage's totalCost is a number). */
export function picoToNumber(pico: bigint): number {
  return Number(picoToUsdString(pico));
}

/** The sums of several rows. */
export function totalOf(rows: readonly UsageSums[]): UsageSums {
  return rows.reduce((total, row) => addSums(total, row), emptySums());
}
