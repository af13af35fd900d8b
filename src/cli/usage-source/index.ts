/** Where the report commands read usage from: the database, or a dashboard over HTTP. */
export type { UsageSource, ReportFilters } from './usage-source.js';
export { openUsageSource, openLedgerAccess, type SourceFlags, type AccessMakers } from './open-usage-source.js';
export { reasonOf } from './database-source.js';
export { createDatabaseSource } from './database-source.js';
export { createHttpSource } from './http-source.js';
