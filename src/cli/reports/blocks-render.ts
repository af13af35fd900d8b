/** The blocks table and the --active detail view, laid out as ccusage's blocks command. Pure. */
import type { ReportBlock } from './blocks-report.js';
import { limitFor, limitStatus, type TokenLimit, WARNING_SHARE } from './blocks-view.js';
import { formatCost, formatDollars, formatMinutes, formatModels, formatNumber, type Paint } from './format.js';
import { totalTokens } from './sums.js';
import { localDateTime } from './time-zone.js';
import { renderTextTable, type TableRow } from './text-table.js';

export interface BlocksRenderOptions {
  timeZone: string;
  now: Date;
  compact: boolean;
  paint: Paint;
  /** Limit for the % column and the REMAINING row (ccusage: the flag, else the max seen). */
  tokenLimit: TokenLimit | undefined;
  maxTokens: ReadonlyMap<string, number>;
}

const minutesBetween = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / 60_000;

function blockTime(block: ReportBlock, options: BlocksRenderOptions): string {
  const start = localDateTime(block.start, options.timeZone);
  const sep = options.compact ? '\n' : ' ';
  if (block.isGap) {
    const hours = Math.round(minutesBetween(block.start, block.end) / 60);
    return `${start} - ${localDateTime(block.end, options.timeZone)}${sep}(${String(hours)}h gap)`;
  }
  if (block.isActive) {
    const elapsed = formatMinutes(minutesBetween(block.start, options.now), options.compact);
    const remaining = formatMinutes(minutesBetween(options.now, block.end), options.compact);
    return options.compact ? `${start}${sep}(${elapsed}/${remaining})` : `${start} (${elapsed} elapsed, ${remaining} remaining)`;
  }
  const lasted = block.lastAt === null ? 0 : minutesBetween(block.start, block.lastAt);
  return `${start}${sep}(${formatMinutes(lasted, options.compact)})`;
}

function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** The blocks table; a header row per account when there are several. */
export function renderBlocksTable(blocks: readonly ReportBlock[], options: BlocksRenderOptions): string {
  const { paint } = options;
  const accounts = [...new Set(blocks.map((b) => b.account))];
  const limits = new Map(accounts.map((account) => [account, limitFor(options.tokenLimit, account, options.maxTokens)]));
  const withPercent = [...limits.values()].some((limit) => limit !== undefined);
  const withServer = blocks.some((b) => b.utilization?.fiveHourUtilization != null);
  const head = ['Block Start', 'Duration/Status', 'Models', 'Tokens', ...(withPercent ? ['%'] : []), 'Cost', ...(withServer ? ['Server 5h'] : [])];
  const table: TableRow[] = [];
  const row = (cells: { start: string; status: string; models: string; tokens: string; percent: string; cost: string; server: string }): string[] => [
    cells.start,
    cells.status,
    cells.models,
    cells.tokens,
    ...(withPercent ? [cells.percent] : []),
    cells.cost,
    ...(withServer ? [cells.server] : []),
  ];
  for (const account of accounts) {
    if (accounts.length > 1) table.push({ span: paint('cyan', `Account: ${account}`) });
    const limit = limits.get(account);
    for (const block of blocks.filter((b) => b.account === account)) {
      if (block.isGap) {
        table.push(row({ start: paint('gray', blockTime(block, options)), status: paint('gray', '(inactive)'), models: paint('gray', '-'), tokens: paint('gray', '-'), percent: paint('gray', '-'), cost: paint('gray', '-'), server: '' }));
        continue;
      }
      const tokens = totalTokens(block);
      const share = limit === undefined ? '' : percent((tokens / limit) * 100);
      const server = block.utilization?.fiveHourUtilization;
      table.push(
        row({
          start: blockTime(block, options),
          status: block.isActive ? paint('green', 'ACTIVE') : '',
          models: block.models.length === 0 ? '-' : formatModels(block.models.map((m) => m.model)),
          tokens: formatNumber(tokens),
          percent: limit !== undefined && tokens > limit ? paint('red', share) : share,
          cost: formatCost(block),
          server: server == null ? '' : percent(server * 100),
        }),
      );
      if (!block.isActive || block.burnRate === null) continue;
      if (limit !== undefined) {
        const left = Math.max(0, limit - tokens);
        table.push(
          row({
            start: paint('gray', `(assuming ${formatNumber(limit)} token limit)`),
            status: paint('blue', 'REMAINING'),
            models: '',
            tokens: left > 0 ? formatNumber(left) : paint('red', '0'),
            percent: left > 0 ? percent(((limit - tokens) / limit) * 100) : paint('red', '0.0%'),
            cost: '',
            server: '',
          }),
        );
      }
      const projected = block.burnRate.projectedTokens;
      table.push(
        row({
          start: paint('gray', '(assuming current burn rate)'),
          status: paint('yellow', 'PROJECTED'),
          models: '',
          tokens: limit !== undefined && projected > limit ? paint('red', formatNumber(projected)) : formatNumber(projected),
          percent: limit === undefined ? '' : percent((projected / limit) * 100),
          cost: formatDollars(block.burnRate.projectedUsd),
          server: '',
        }),
      );
    }
  }
  return renderTextTable({
    head: head.map((h) => paint('cyan', h)),
    align: ['left', 'left', 'left', 'right', ...(withPercent ? ['right' as const] : []), 'right', ...(withServer ? ['right' as const] : [])],
    rows: table,
  });
}

/** ccusage's `blocks --active` view: the one active block in detail, plus the server's figures when known. */
export function renderActiveBlock(block: ReportBlock, options: BlocksRenderOptions): string {
  const { paint } = options;
  const rate = block.burnRate;
  const lines = [
    paint('bold', `Current Session Block Status${block.account === '' ? '' : ` (${block.account})`}`),
    '',
    `Block Started: ${paint('cyan', localDateTime(block.start, options.timeZone))} (${paint('yellow', formatMinutes(minutesBetween(block.start, options.now)))} ago)`,
    `Time Remaining: ${paint('green', formatMinutes(minutesBetween(options.now, block.end)))}`,
    '',
    paint('bold', 'Current Usage:'),
    `  Input Tokens:     ${formatNumber(block.inputTokens)}`,
    `  Output Tokens:    ${formatNumber(block.outputTokens)}`,
    `  Cache Create:     ${formatNumber(block.cacheCreationTokens)}`,
    `  Cache Read:       ${formatNumber(block.cacheReadTokens)}`,
    `  Total Cost:       ${formatCost(block)}`,
  ];
  if (rate !== null) {
    lines.push('', paint('bold', 'Burn Rate:'), `  Tokens/minute:    ${formatNumber(Math.round(rate.tokensPerMinute))}`, `  Cost/hour:        ${formatDollars(rate.usdPerHour)}`);
    lines.push(
      '',
      paint('bold', 'Projected Usage (if current rate continues):'),
      `  Total Tokens:     ${formatNumber(rate.projectedTokens)}`,
      `  Total Cost:       ${formatDollars(rate.projectedUsd)}`,
    );
    const limit = limitFor(options.tokenLimit, block.account, options.maxTokens);
    if (limit !== undefined) {
      const tokens = totalTokens(block);
      const status = limitStatus(limit, rate.projectedTokens);
      const label = status.status === 'exceeds' ? paint('red', 'EXCEEDS LIMIT') : status.percentUsed > WARNING_SHARE * 100 ? paint('yellow', 'WARNING') : paint('green', 'OK');
      lines.push(
        '',
        paint('bold', 'Token Limit Status:'),
        `  Limit:            ${formatNumber(limit)} tokens`,
        `  Current Usage:    ${formatNumber(tokens)} (${percent((tokens / limit) * 100)})`,
        `  Remaining:        ${formatNumber(Math.max(0, limit - tokens))} tokens`,
        `  Projected Usage:  ${percent(status.percentUsed)} ${label}`,
      );
    }
  }
  const server = block.utilization;
  if (server?.fiveHourUtilization != null) {
    lines.push(
      '',
      paint('bold', 'Server (rate-limit headers):'),
      `  5h Utilization:   ${percent(server.fiveHourUtilization * 100)}${server.unifiedStatus === null ? '' : ` (${server.unifiedStatus})`}`,
      `  Resets At:        ${server.fiveHourReset === null ? '-' : localDateTime(server.fiveHourReset, options.timeZone)}`,
    );
  }
  return lines.join('\n');
}
