/**
 * Per account: the server's own 5-hour and 7-day utilization with reset times (from its rate-limit
 * headers), the current 5-hour block with its burn rate and projection, and the API-equivalent cost
 * of the range (what the same tokens would cost at API prices).
 */
import { BLOCK_MS, burnRate, toBlocks, type BurnRate, type UsageBlock } from '../usage/index.js';
import { fiveHourResets, latestPlanUtilization, usageBreakdown, usageEntries, type Database, type PlanUtilization, type TimeBounds } from '../storage/index.js';

export interface AccountView {
  account: string;
  plan: PlanUtilization | null;
  /** API-equivalent cost of the range (exact USD), and its requests. */
  rangeCostUsd: string;
  rangeRequests: number;
  rangeTokens: number;
  block: UsageBlock | null;
  burn: BurnRate | null;
  /**
   * The 5-hour utilization the block would reach at its end if usage keeps its pace: the server's
   * latest figure scaled by projected / current block cost. Null without both.
   */
  projectedFiveHour: number | null;
}

export async function loadAccounts(db: Database, range: TimeBounds, now: Date): Promise<AccountView[]> {
  const blockSince = new Date(now.getTime() - BLOCK_MS);
  const [plans, costs, entries] = await Promise.all([
    latestPlanUtilization(db),
    usageBreakdown(db, { ...range, by: 'account' }),
    // Only the requests that can be in a block still open now.
    usageEntries(db, { since: new Date(Math.floor(blockSince.getTime() / 3_600_000) * 3_600_000) }),
  ]);
  const accounts = [...new Set([...costs.map((row) => row.key), ...plans.map((plan) => plan.account), ...entries.map((entry) => entry.account)])];
  const views = await Promise.all(
    accounts.map(async (account): Promise<AccountView> => {
      const plan = plans.find((row) => row.account === account) ?? null;
      const cost = costs.find((row) => row.key === account);
      const mine = entries.filter((entry) => entry.account === account);
      const serverResets = mine.length === 0 ? [] : await fiveHourResets(db, { account, since: blockSince });
      const block = toBlocks(mine, { now, serverResets }).find((candidate) => candidate.active) ?? null;
      const burn = block === null ? null : burnRate(block, now);
      return {
        account,
        plan,
        rangeCostUsd: cost?.costUsd ?? '0',
        rangeRequests: cost?.requests ?? 0,
        rangeTokens: cost === undefined ? 0 : cost.inputTokens + cost.outputTokens + cost.cacheWriteTokens + cost.cacheReadTokens,
        block,
        burn,
        projectedFiveHour: projectFiveHour(plan, block, burn, now),
      };
    }),
  );
  return views.sort((a, b) => Number(b.rangeCostUsd) - Number(a.rangeCostUsd) || a.account.localeCompare(b.account));
}

function projectFiveHour(plan: PlanUtilization | null, block: UsageBlock | null, burn: BurnRate | null, now: Date): number | null {
  if (plan?.fiveHourUtilization == null || block === null || burn === null) return null;
  // A window that has already reset says nothing about the current one.
  if (plan.fiveHourReset !== null && plan.fiveHourReset.getTime() <= now.getTime()) return null;
  const spent = Number(block.costUsd);
  return spent > 0 ? plan.fiveHourUtilization * (burn.projectedUsd / spent) : null;
}
