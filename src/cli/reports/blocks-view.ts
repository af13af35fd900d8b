/** What the blocks command shows: selection (--since/--until/--recent/--active), order, token limits. Pure. */
import type { SortOrder } from './period-report.js';
import type { ReportBlock } from './blocks-report.js';
import { totalTokens } from './sums.js';
import { localDate } from './time-zone.js';

/** ccusage's --recent: blocks that started in the last 3 days, and the active one. */
export const RECENT_DAYS = 3;
/** ccusage warns above 80% of the limit. */
export const WARNING_SHARE = 0.8;

export interface BlockSelection {
  since?: string | undefined;
  until?: string | undefined;
  timeZone: string;
  recent: boolean;
  active: boolean;
  order: SortOrder;
  now: Date;
}

/** Blocks by start day (in the zone, as ccusage filters them), then --recent and --active, ordered by start. */
export function selectBlocks(blocks: readonly ReportBlock[], selection: BlockSelection): ReportBlock[] {
  const cutoff = selection.now.getTime() - RECENT_DAYS * 86_400_000;
  const chosen = blocks.filter((block) => {
    const day = localDate(block.start, selection.timeZone);
    if (selection.since !== undefined && day < selection.since) return false;
    if (selection.until !== undefined && day > selection.until) return false;
    if (selection.recent && block.start.getTime() < cutoff && !block.isActive) return false;
    return !selection.active || block.isActive;
  });
  chosen.sort((a, b) => a.start.getTime() - b.start.getTime() || a.account.localeCompare(b.account));
  return selection.order === 'desc' ? chosen.reverse() : chosen;
}

/** `max`: per account, the most tokens any finished block used (ccusage skips gaps and the active block). */
export function maxBlockTokens(blocks: readonly ReportBlock[]): Map<string, number> {
  const max = new Map<string, number>();
  for (const block of blocks) {
    if (block.isGap || block.isActive) continue;
    max.set(block.account, Math.max(max.get(block.account) ?? 0, totalTokens(block)));
  }
  return max;
}

export type TokenLimit = number | 'max';

/** The limit in force for an account's blocks, or undefined when there is none (no flag, or max of nothing). */
export function limitFor(limit: TokenLimit | undefined, account: string, max: ReadonlyMap<string, number>): number | undefined {
  if (limit === undefined) return undefined;
  const value = limit === 'max' ? (max.get(account) ?? 0) : limit;
  return value > 0 ? value : undefined;
}

export interface LimitStatus {
  limit: number;
  projectedUsage: number;
  percentUsed: number;
  status: 'ok' | 'warning' | 'exceeds';
}

/** ccusage's tokenLimitStatus: the projection against the limit. */
export function limitStatus(limit: number, projectedTokens: number): LimitStatus {
  const percentUsed = (projectedTokens / limit) * 100;
  const status = projectedTokens > limit ? 'exceeds' : projectedTokens > limit * WARNING_SHARE ? 'warning' : 'ok';
  return { limit, projectedUsage: projectedTokens, percentUsed, status };
}
