/** The daily, weekly and monthly reports: per-period rows with a per-model breakdown. Pure. */
import type { PeriodUsage } from '../../storage/index.js';
import { mergeModels, sumsOf, totalOf, type ModelUsage, type UsageSums } from './sums.js';

export type SortOrder = 'asc' | 'desc';

export interface PeriodRow extends UsageSums {
  /** `YYYY-MM-DD` (day; week: its first day) or `YYYY-MM` (month). */
  period: string;
  models: ModelUsage[];
}

/** Groups per-period, per-model usage (usageByPeriod with `by: 'model'`) into report rows. */
export function periodRows(usage: readonly PeriodUsage[], order: SortOrder): PeriodRow[] {
  const byPeriod = new Map<string, { model: string; sums: UsageSums }[]>();
  for (const row of usage) {
    const list = byPeriod.get(row.period) ?? [];
    list.push({ model: row.key ?? '', sums: sumsOf(row) });
    byPeriod.set(row.period, list);
  }
  const rows: PeriodRow[] = [];
  for (const [period, list] of byPeriod) {
    const models = mergeModels(list);
    if (models.length > 0) rows.push({ period, ...totalOf(models), models });
  }
  rows.sort((a, b) => a.period.localeCompare(b.period));
  return order === 'desc' ? rows.reverse() : rows;
}
