/** The `nexus` sub-commands that read and manage a running gateway. */
export { UsageError, type Command } from './command.js';
export { credentialsCommand } from './credentials/index.js';
export { reportCommand, runReport, parseReportArgs, type ReportKind, type ReportOptions, type ReportContext, type Terminal } from './reports/index.js';
export { openUsageSource, createDatabaseSource, createHttpSource, type UsageSource } from './usage-source/index.js';
export { monitorCommand } from './monitor/index.js';
export { statuslineCommand, runStatusline } from './statusline/index.js';
