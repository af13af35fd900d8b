/** The usage report commands: daily, weekly, monthly, session, blocks (ccusage's, over the ledger). */
export { reportCommand } from './commands.js';
export { runReport, type ReportContext, type Terminal } from './run-report.js';
export { parseReportArgs, type ReportKind, type ReportOptions } from './options.js';
