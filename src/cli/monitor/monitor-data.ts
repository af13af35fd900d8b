/** What the monitor shows per account, and the one read that fetches it (the blocks loader plus the server's utilization). */
import type { PlanUtilization } from '../../storage/index.js';
import { loadBlocks, type ReportBlock } from '../reports/index.js';
import type { ReportFilters, UsageSource } from '../usage-source/index.js';

export interface AccountNow {
  account: string;
  /** The account's active 5-hour block (burn rate and projection computed at `loadedAt`). */
  block: ReportBlock;
  /** The server's latest 5-hour and 7-day figures for the account, when on record. */
  utilization: PlanUtilization | null;
}

export interface MonitorData {
  loadedAt: Date;
  /** Accounts with an active block, by name. */
  active: AccountNow[];
  /** Accounts with usage on record but no active block, by name. */
  idle: string[];
}

/** One data refresh: every block (the same figures as `nexus blocks`) and the latest utilization. */
export async function loadMonitorData(source: UsageSource, filters: ReportFilters, now: Date): Promise<MonitorData> {
  const [blocks, utilization] = await Promise.all([loadBlocks(source, filters, now), source.planUtilization()]);
  return monitorData(blocks, utilization, now);
}

/** Picks each account's active block and utilization. Pure. */
export function monitorData(blocks: readonly ReportBlock[], utilization: readonly PlanUtilization[], now: Date): MonitorData {
  const byAccount = new Map(utilization.map((u) => [u.account, u]));
  const accounts = [...new Set(blocks.map((b) => b.account))].sort((a, b) => a.localeCompare(b));
  const active: AccountNow[] = [];
  const idle: string[] = [];
  for (const account of accounts) {
    const block = blocks.find((b) => b.account === account && b.isActive && !b.isGap);
    if (block === undefined) idle.push(account);
    else active.push({ account, block, utilization: byAccount.get(account) ?? null });
  }
  return { loadedAt: now, active, idle };
}
