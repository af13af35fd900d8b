/** The usage report commands: daily, weekly, monthly, session, blocks (ccusage's, over the ledger). */
export { reportCommand } from './commands.js';
export { runReport, type ReportContext, type Terminal } from './run-report.js';
export { parseReportArgs, type ReportKind, type ReportOptions } from './options.js';
// Shared with the live views (monitor, statusline): the blocks loader and the report formats.
export { loadBlocks } from './blocks-loader.js';
export type { ReportBlock } from './blocks-report.js';
export { createPaint, formatCost, formatDollars, formatModelName, formatNumber, type Paint, type Style } from './format.js';
export { totalTokens, type ModelUsage } from './sums.js';
export { checkTimeZone, localDate, localDateTime, startOfLocalDay, systemTimeZone } from './time-zone.js';
