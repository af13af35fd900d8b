/** The session report: one row per Claude Code session (or conversation), with its models. Pure. */
import type { SessionModelUsage } from '../../storage/index.js';
import type { SortOrder } from './period-report.js';
import { mergeModels, sumsOf, totalOf, type ModelUsage, type UsageSums } from './sums.js';

export interface SessionRow extends UsageSums {
  sessionId: string;
  domain: string;
  account: string;
  lastAt: Date;
  models: ModelUsage[];
}

/** Sessions ordered by their last request (ccusage lists the most recent first by default). */
export function sessionRows(usage: readonly SessionModelUsage[], order: SortOrder): SessionRow[] {
  const bySession = new Map<string, { first: SessionModelUsage; list: { model: string; sums: UsageSums }[] }>();
  for (const row of usage) {
    const entry = bySession.get(row.sessionId) ?? { first: row, list: [] };
    entry.list.push({ model: row.model, sums: sumsOf(row) });
    bySession.set(row.sessionId, entry);
  }
  const rows: SessionRow[] = [];
  for (const [sessionId, { first, list }] of bySession) {
    const models = mergeModels(list);
    if (models.length === 0) continue;
    rows.push({ sessionId, domain: first.domain, account: first.account, lastAt: first.lastAt, ...totalOf(models), models });
  }
  rows.sort((a, b) => a.lastAt.getTime() - b.lastAt.getTime() || a.sessionId.localeCompare(b.sessionId));
  return order === 'desc' ? rows.reverse() : rows;
}
