/**
 * 5-hour usage blocks, as Claude's subscription limits count them. Pure: no I/O.
 * When the server's reset times are known (anthropic-ratelimit-unified-5h-reset), blocks are the
 * server's own windows [reset − 5 h, reset). Otherwise ccusage's rule: a block starts at its first
 * request floored to the hour and lasts 5 hours; a request after the block's end, or after 5 hours
 * of silence, starts the next one.
 */
import { picoToUsdString, usdStringToPico } from '../pricing/index.js';

export const BLOCK_MS = 5 * 60 * 60 * 1000;

export interface BlockEntry {
  at: Date;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  /** Exact decimal string; null when unpriced. */
  costUsd: string | null;
}

export interface UsageBlock {
  start: Date;
  end: Date;
  /** Time of the last request in the block. */
  lastAt: Date;
  source: 'server' | 'first-request';
  active: boolean;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  costUsd: string;
  unpricedRequests: number;
  models: string[];
}

export interface BurnRate {
  tokensPerMinute: number;
  /** USD per hour, from the exact cost. */
  usdPerHour: number;
  projectedTokens: number;
  projectedUsd: number;
  remainingMs: number;
}

/**
 * Groups entries (any order) into blocks, oldest first. `serverResets` are known 5-hour reset times;
 * `now` decides which block is active.
 */
export function toBlocks(entries: readonly BlockEntry[], options: { now: Date; serverResets?: readonly Date[] }): UsageBlock[] {
  const sorted = [...entries].sort((a, b) => a.at.getTime() - b.at.getTime());
  const windows = [...new Set((options.serverResets ?? []).map((reset) => reset.getTime()))]
    .sort((a, b) => a - b)
    .map((end) => ({ start: end - BLOCK_MS, end }));
  const groups: { start: number; end: number; source: UsageBlock['source']; entries: BlockEntry[] }[] = [];
  let current: (typeof groups)[number] | null = null;
  for (const entry of sorted) {
    const at = entry.at.getTime();
    const last = current?.entries.at(-1)?.at.getTime();
    if (current !== null && at < current.end && (current.source === 'server' || last === undefined || at - last < BLOCK_MS)) {
      current.entries.push(entry);
      continue;
    }
    const window = windows.find((w) => at >= w.start && at < w.end);
    const start = window?.start ?? floorToHour(at);
    // A heuristic block never overlaps the server window that follows it.
    const nextServer = windows.find((w) => w.start > start);
    const end = window?.end ?? Math.min(start + BLOCK_MS, nextServer?.start ?? Number.POSITIVE_INFINITY);
    current = { start, end, source: window === undefined ? 'first-request' : 'server', entries: [entry] };
    groups.push(current);
  }
  return groups.map((group) => summarize(group, options.now.getTime()));
}

function summarize(group: { start: number; end: number; source: UsageBlock['source']; entries: BlockEntry[] }, now: number): UsageBlock {
  let pico = 0n;
  let unpriced = 0;
  const models = new Set<string>();
  const sums = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
  for (const entry of group.entries) {
    sums.inputTokens += entry.inputTokens;
    sums.outputTokens += entry.outputTokens;
    sums.cacheWriteTokens += entry.cacheWriteTokens;
    sums.cacheReadTokens += entry.cacheReadTokens;
    if (entry.model !== null) models.add(entry.model);
    if (entry.costUsd === null) unpriced += entry.inputTokens + entry.outputTokens + entry.cacheWriteTokens + entry.cacheReadTokens > 0 ? 1 : 0;
    else pico += usdStringToPico(entry.costUsd);
  }
  const lastAt = group.entries.at(-1)?.at ?? new Date(group.start);
  return {
    start: new Date(group.start),
    end: new Date(group.end),
    lastAt,
    source: group.source,
    active: now >= group.start && now < group.end,
    requests: group.entries.length,
    ...sums,
    totalTokens: sums.inputTokens + sums.outputTokens + sums.cacheWriteTokens + sums.cacheReadTokens,
    costUsd: picoToUsdString(pico),
    unpricedRequests: unpriced,
    models: [...models].sort(),
  };
}

/** Burn rate since the block's start and the projection to its end, at `now`. */
export function burnRate(block: UsageBlock, now: Date): BurnRate {
  const elapsedMs = Math.max(Math.min(now.getTime(), block.end.getTime()) - block.start.getTime(), 60_000);
  const remainingMs = Math.max(block.end.getTime() - now.getTime(), 0);
  const usd = Number(block.costUsd);
  const tokensPerMs = block.totalTokens / elapsedMs;
  const usdPerMs = usd / elapsedMs;
  return {
    tokensPerMinute: tokensPerMs * 60_000,
    usdPerHour: usdPerMs * 3_600_000,
    projectedTokens: Math.round(block.totalTokens + tokensPerMs * remainingMs),
    projectedUsd: usd + usdPerMs * remainingMs,
    remainingMs,
  };
}

function floorToHour(ms: number): number {
  return ms - (ms % 3_600_000);
}
