/**
 * 5-hour blocks per account, built from hourly roll-ups so they stay fast at millions of requests.
 * Pure: the loader (blocks-loader.ts) fetches what each step asks for.
 *
 * The windows come from the usage core's toBlocks: the server's own windows where its reset times
 * are on record, otherwise ccusage's rule (first request floored to the hour, 5 hours long). Hours
 * are exact units for that rule; an hour that a server window starts or ends inside is split at
 * that instant with a small raw query (`splits`), and each block's first and last request come from
 * two index probes (`boundRanges`), so every figure is exact.
 */
import type { AccountRange, AccountReset, ActivityBounds, HourlyUsage, PlanUtilization, RangeUsage } from '../../storage/index.js';
import { picoToUsdString } from '../../pricing/index.js';
import { BLOCK_MS, burnRate, toBlocks, type BurnRate, type UsageBlock } from '../../usage/index.js';
import { emptySums, mergeModels, subtractSums, sumsOf, totalOf, totalTokens, type ModelUsage, type UsageSums } from './sums.js';

const HOUR_MS = 3_600_000;

/**
 * The server windows to align to: distinct resets, oldest first, dropping any whose window would
 * overlap the one kept before it (the same window announced with a slightly different reset).
 */
export function serverResets(resets: readonly Date[]): Date[] {
  const kept: number[] = [];
  for (const reset of [...new Set(resets.map((r) => r.getTime()))].sort((a, b) => a - b)) {
    const last = kept.at(-1);
    if (last === undefined || reset - BLOCK_MS >= last) kept.push(reset);
  }
  return kept.map((ms) => new Date(ms));
}

interface Piece {
  at: number;
  model: string;
  sums: UsageSums;
}

interface SplitHour {
  account: string;
  hour: number;
  /** Boundaries inside the hour, ascending. */
  cuts: number[];
  /** Index in `splits` of the range [previous cut or hour, cut) for each cut. */
  ranges: number[];
}

export interface BlockPlan {
  accounts: { account: string; resets: Date[]; hours: HourlyUsage[] }[];
  /** Ranges to ask rangeUsage for: the parts of hours that server windows cut. */
  splits: AccountRange[];
  splitHours: SplitHour[];
}

/** Step 1: group the hours and resets by account and list the hours to split. */
export function planBlocks(hours: readonly HourlyUsage[], resets: readonly AccountReset[]): BlockPlan {
  const accounts = new Map<string, { account: string; resets: Date[]; hours: HourlyUsage[] }>();
  const of = (account: string) => {
    let entry = accounts.get(account);
    if (entry === undefined) accounts.set(account, (entry = { account, resets: [], hours: [] }));
    return entry;
  };
  for (const hour of hours) of(hour.account).hours.push(hour);
  for (const { account, reset } of resets) if (accounts.has(account)) of(account).resets.push(reset);
  const splits: AccountRange[] = [];
  const splitHours: SplitHour[] = [];
  for (const entry of accounts.values()) {
    entry.resets = serverResets(entry.resets);
    const active = new Set(entry.hours.map((h) => h.hour.getTime()));
    const cutsByHour = new Map<number, Set<number>>();
    for (const reset of entry.resets) {
      for (const cut of [reset.getTime() - BLOCK_MS, reset.getTime()]) {
        const hour = cut - (cut % HOUR_MS);
        if (cut === hour || !active.has(hour)) continue;
        cutsByHour.set(hour, (cutsByHour.get(hour) ?? new Set()).add(cut));
      }
    }
    for (const [hour, set] of [...cutsByHour].sort((a, b) => a[0] - b[0])) {
      const cuts = [...set].sort((a, b) => a - b);
      const ranges = cuts.map((cut, i) => {
        splits.push({ account: entry.account, start: new Date(i === 0 ? hour : (cuts[i - 1] ?? hour)), end: new Date(cut) });
        return splits.length - 1;
      });
      splitHours.push({ account: entry.account, hour, cuts, ranges });
    }
  }
  return { accounts: [...accounts.values()].sort((a, b) => a.account.localeCompare(b.account)), splits, splitHours };
}

export interface BlockDraft {
  account: string;
  window: UsageBlock;
  sums: UsageSums;
  models: ModelUsage[];
}

/** Step 2: the blocks of every account, with their usage, from the hours and the split parts. */
export function draftBlocks(plan: BlockPlan, splitUsage: readonly RangeUsage[], now: Date): BlockDraft[] {
  const drafts: BlockDraft[] = [];
  const splitsByHour = new Map<string, Map<number, SplitHour>>();
  for (const split of plan.splitHours) splitsByHour.set(split.account, (splitsByHour.get(split.account) ?? new Map<number, SplitHour>()).set(split.hour, split));
  const partsByRange = new Map<number, Map<string, RangeUsage>>();
  for (const part of splitUsage) partsByRange.set(part.range, (partsByRange.get(part.range) ?? new Map<string, RangeUsage>()).set(part.model, part));
  for (const { account, resets, hours } of plan.accounts) {
    const pieces = piecesOf(hours, splitsByHour.get(account) ?? new Map(), partsByRange).filter((p) => totalTokens(p.sums) > 0 || p.sums.costPico !== 0n);
    pieces.sort((a, b) => a.at - b.at);
    const entries = pieces.map((p) => ({
      at: new Date(p.at),
      model: p.model === '' ? null : p.model,
      inputTokens: p.sums.inputTokens,
      outputTokens: p.sums.outputTokens,
      cacheWriteTokens: p.sums.cacheCreationTokens,
      cacheReadTokens: p.sums.cacheReadTokens,
      costUsd: picoToUsdString(p.sums.costPico),
    }));
    const windows = toBlocks(entries, { now, serverResets: resets });
    // toBlocks took the pieces in this order: each belongs to the first window from here that holds it.
    const perWindow: { model: string; sums: UsageSums }[][] = windows.map(() => []);
    let index = 0;
    for (const piece of pieces) {
      while (index < windows.length - 1 && !holds(windows[index], piece.at)) index += 1;
      perWindow[index]?.push(piece);
    }
    windows.forEach((window, i) => {
      const models = mergeModels(perWindow[i] ?? []);
      drafts.push({ account, window, sums: totalOf(models), models });
    });
  }
  return drafts;
}

function holds(window: UsageBlock | undefined, at: number): boolean {
  return window !== undefined && at >= window.start.getTime() && at < window.end.getTime();
}

function piecesOf(hours: readonly HourlyUsage[], split: ReadonlyMap<number, SplitHour>, parts: ReadonlyMap<number, ReadonlyMap<string, RangeUsage>>): Piece[] {
  const pieces: Piece[] = [];
  for (const row of hours) {
    const hour = row.hour.getTime();
    const cut = split.get(hour);
    const sums = sumsOf(row);
    if (cut === undefined) {
      pieces.push({ at: hour, model: row.model, sums });
      continue;
    }
    // The parts before each cut come from the raw query; the rest of the hour is what remains.
    let rest = sums;
    cut.ranges.forEach((rangeIndex, i) => {
      const part = parts.get(rangeIndex)?.get(row.model);
      if (part === undefined) return;
      const partSums = sumsOf(part);
      pieces.push({ at: i === 0 ? hour : (cut.cuts[i - 1] ?? hour), model: row.model, sums: partSums });
      rest = subtractSums(rest, partSums);
    });
    pieces.push({ at: cut.cuts.at(-1) ?? hour, model: row.model, sums: rest });
  }
  return pieces;
}

/** Step 3: the range whose first and last request each block needs (blocks never share one). */
export function boundRanges(drafts: readonly BlockDraft[]): AccountRange[] {
  return drafts.map((draft, i) => {
    const previous = drafts[i - 1];
    const afterPrevious = previous?.account === draft.account ? Math.max(draft.window.start.getTime(), previous.window.end.getTime()) : draft.window.start.getTime();
    return { account: draft.account, start: new Date(afterPrevious), end: draft.window.end };
  });
}

export interface ReportBlock extends UsageSums {
  account: string;
  start: Date;
  end: Date;
  /** First and last request in the block (null for a gap). */
  firstAt: Date | null;
  lastAt: Date | null;
  isActive: boolean;
  isGap: boolean;
  /** 'server': the server's own window; 'first-request': ccusage's rule; 'gap': no activity. */
  source: UsageBlock['source'] | 'gap';
  models: ModelUsage[];
  /** Burn rate and projection of the active block. */
  burnRate: BurnRate | null;
  /** The server's latest 5-hour figures, on the block whose window they describe. */
  utilization: PlanUtilization | null;
}

/** Step 4: blocks with their first and last request, gaps of more than 5 hours between them, the server's utilization. */
export function finishBlocks(
  drafts: readonly BlockDraft[],
  bounds: readonly ActivityBounds[],
  utilization: readonly PlanUtilization[],
  now: Date,
): ReportBlock[] {
  const byRange = new Map(bounds.map((b) => [b.range, b]));
  const latest = new Map(utilization.map((u) => [u.account, u]));
  const blocks: ReportBlock[] = [];
  drafts.forEach((draft, i) => {
    const { firstAt = null, lastAt = null } = byRange.get(i) ?? {};
    const previous = blocks.at(-1);
    // ccusage's gap: from 5 hours after the last request to the next request, when that is longer than 5 hours.
    if (previous?.account === draft.account && previous.lastAt !== null && firstAt !== null && firstAt.getTime() - previous.lastAt.getTime() > BLOCK_MS) {
      blocks.push(gapBlock(draft.account, new Date(previous.lastAt.getTime() + BLOCK_MS), firstAt));
    }
    const server = latest.get(draft.account);
    blocks.push({
      account: draft.account,
      start: draft.window.start,
      end: draft.window.end,
      firstAt,
      lastAt,
      isActive: draft.window.active,
      isGap: false,
      source: draft.window.source,
      ...draft.sums,
      models: draft.models,
      burnRate: draft.window.active ? burnRate(draft.window, now) : null,
      utilization: server?.fiveHourReset?.getTime() === draft.window.end.getTime() ? server : null,
    });
  });
  return blocks;
}

function gapBlock(account: string, start: Date, end: Date): ReportBlock {
  return { account, start, end, firstAt: null, lastAt: null, isActive: false, isGap: true, source: 'gap', ...emptySums(), models: [], burnRate: null, utilization: null };
}
