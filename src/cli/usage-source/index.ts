/** Where the report commands read usage from: the database, or a dashboard over HTTP. */
export type { UsageSource, ReportFilters } from './usage-source.js';
export { openUsageSource, type SourceFlags } from './open-usage-source.js';
export { createDatabaseSource } from './database-source.js';
export { createHttpSource } from './http-source.js';
