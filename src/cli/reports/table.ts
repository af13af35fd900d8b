/**
 * ccusage's usage table (Date | Models | Input | Output | Cache Create | Cache Read | Total Tokens |
 * Cost (USD)), its compact form for terminals under 100 columns (Date | Models | Input | Output |
 * Cost), per-model rows with --breakdown, and a Total row. Pure: returns the text.
 */
import { formatCost, formatModelName, formatModels, formatNumber, type Paint } from './format.js';
import { totalOf, totalTokens, type ModelUsage, type UsageSums } from './sums.js';
import { renderTextTable, type Align } from './text-table.js';

/** Below this width the compact columns are used (ccusage's threshold). */
export const COMPACT_BELOW_COLUMNS = 100;

export interface UsageTableRow extends UsageSums {
  label: string;
  models: ModelUsage[];
  /** Session report: the Last Activity column. */
  lastActivity?: string;
  /** `--by`: a row per member, team or project under this one. */
  groups?: { label: string; sums: UsageSums }[] | undefined;
}

export interface UsageTableOptions {
  firstColumn: string;
  rows: readonly UsageTableRow[];
  breakdown: boolean;
  compact: boolean;
  paint: Paint;
  /** Adds ccusage's Last Activity column (session report). */
  lastActivity?: boolean;
}

export function renderUsageTable(options: UsageTableOptions): string {
  const { paint, compact } = options;
  const withLast = options.lastActivity === true;
  const columns: { head: string; align: Align; wide: boolean }[] = [
    { head: options.firstColumn, align: 'left', wide: false },
    { head: 'Models', align: 'left', wide: false },
    { head: 'Input', align: 'right', wide: false },
    { head: 'Output', align: 'right', wide: false },
    { head: 'Cache Create', align: 'right', wide: true },
    { head: 'Cache Read', align: 'right', wide: true },
    { head: 'Total Tokens', align: 'right', wide: true },
    { head: 'Cost (USD)', align: 'right', wide: false },
    ...(withLast ? [{ head: 'Last Activity', align: 'left' as const, wide: false }] : []),
  ];
  const keep = columns.map((column) => !compact || !column.wide);
  const pick = <T>(cells: T[]): T[] => cells.filter((_, i) => keep[i]);
  const table: string[][] = [];
  const cells = (label: string, sums: UsageSums, models: string, last: string | undefined, style?: 'gray' | 'yellow'): string[] => {
    const values = [
      label,
      models,
      formatNumber(sums.inputTokens),
      formatNumber(sums.outputTokens),
      formatNumber(sums.cacheCreationTokens),
      formatNumber(sums.cacheReadTokens),
      formatNumber(totalTokens(sums)),
      formatCost(sums),
      ...(withLast ? [last ?? ''] : []),
    ];
    return pick(values.map((value, i) => (style === undefined || i === 0 || value === '' ? value : paint(style, value))));
  };
  for (const row of options.rows) {
    table.push(cells(row.label, row, formatModels(row.models.map((m) => m.model)), row.lastActivity));
    if (options.breakdown) {
      for (const model of row.models) table.push(cells(`  └─ ${formatModelName(model.model)}`, model, '', undefined, 'gray'));
    }
    for (const group of row.groups ?? []) table.push(cells(`  · ${group.label}`, group.sums, '', undefined, 'gray'));
  }
  const total = totalOf(options.rows);
  table.push(cells(paint('yellow', 'Total'), total, '', undefined, 'yellow'));
  return renderTextTable({ head: pick(columns.map((c) => paint('cyan', c.head))), align: pick(columns.map((c) => c.align)), rows: table });
}

/** A note under the table when some cost is unknown, saying why and what to do. */
export function unpricedNote(rows: readonly UsageSums[]): string | null {
  const unpriced = totalOf(rows).unpricedRequests;
  if (unpriced === 0) return null;
  return `unknown: ${formatNumber(unpriced)} request${unpriced === 1 ? '' : 's'} to models without a price yet (their cost is not in the figures; nexus reprice once the price table knows them).`;
}
