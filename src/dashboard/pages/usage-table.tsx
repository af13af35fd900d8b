/** A table of usage rows (a member, a project, a model, a day): requests, tokens and exact cost. */
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { UsageTotals } from '../../storage/index.js';
import { cacheHitRatio } from '../people-data.js';
import { formatCompact, formatCount, formatPercent, formatUsdText } from '../format.js';
import { Empty, Stat, TableScroll } from '../layout.js';

export interface UsageRow {
  /** data-row value, for tests and scripts. */
  key: string;
  label: Child;
  usage: UsageTotals | null;
  /** Cells after the label, before the figures. */
  cells?: Child[];
}

export function tokensOf(usage: UsageTotals): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
}

/** Cost, requests, tokens and cache hit ratio of a member or a project over the range. */
export function UsageStats(props: { totals: UsageTotals }): JSX.Element {
  const { totals } = props;
  const ratio = cacheHitRatio(totals);
  return (
    <div class="stats">
      <Stat label="Cost" name="cost" value={totals.costUsd} text={formatUsdText(totals.costUsd)} />
      <Stat label="Requests" name="requests" value={String(totals.requests)} text={formatCount(totals.requests)} />
      <Stat label="Tokens" name="tokens" value={String(tokensOf(totals))} text={formatCompact(tokensOf(totals))} />
      <Stat label="Cache hit ratio" name="cache-hit" value={String(ratio ?? '')} text={formatPercent(ratio)} />
    </div>
  );
}

export function UsageTable(props: { label: string; first: string; columns?: string[]; rows: UsageRow[]; empty: string; name: string }): JSX.Element {
  if (props.rows.length === 0) return <Empty>{props.empty}</Empty>;
  return (
    <TableScroll label={props.label}>
      <table class="data" data-table={props.name}>
        <thead>
          <tr>
            <th scope="col">{props.first}</th>
            {(props.columns ?? []).map((column) => (
              <th scope="col">{column}</th>
            ))}
            <th scope="col" class="num">
              Requests
            </th>
            <th scope="col" class="num">
              Tokens
            </th>
            <th scope="col" class="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr data-row={row.key}>
              <td>{row.label}</td>
              {(row.cells ?? []).map((cell) => (
                <td>{cell}</td>
              ))}
              <td class="num" data-field="requests">
                {formatCount(row.usage?.requests ?? 0)}
              </td>
              <td class="num" data-field="tokens">
                {formatCompact(row.usage === null ? 0 : tokensOf(row.usage))}
              </td>
              <td class="num" data-field="cost" data-value={row.usage?.costUsd ?? '0'}>
                {formatUsdText(row.usage?.costUsd ?? '0')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
