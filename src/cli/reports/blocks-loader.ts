/** Loads 5-hour blocks from a usage source: the four steps of blocks-report.ts, each with the query it needs. */
import type { ReportFilters, UsageSource } from '../usage-source/index.js';
import { boundRanges, draftBlocks, finishBlocks, planBlocks, type ReportBlock } from './blocks-report.js';

/** Every block of every account (within the filters), oldest first per account. */
export async function loadBlocks(source: UsageSource, filters: ReportFilters, now: Date): Promise<ReportBlock[]> {
  const [hours, resets, utilization] = await Promise.all([
    source.hours(filters),
    source.fiveHourResets({ domain: filters.domain, account: filters.account }),
    source.planUtilization(),
  ]);
  const plan = planBlocks(hours, resets);
  const drafts = draftBlocks(plan, await source.ranges(filters, plan.splits), now);
  const bounds = await source.activityBounds(filters, boundRanges(drafts));
  return finishBlocks(drafts, bounds, utilization, now);
}
