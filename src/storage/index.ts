/** Storage by URL: PostgreSQL or embedded PGlite behind one interface, with the usage ledger's writes. */
export type { Database, Queryable, QueryOptions, Row } from './database.js';
export { DatabaseError } from './database.js';
export { openDatabase, describeDatabase, type OpenDatabaseOptions } from './open-database.js';
export { acquireDataDirLock, readDataDirOwner, type DataDirLock, type DataDirOwner } from './data-dir-lock.js';
export { migrate, loadMigrations } from './migrate.js';
export { withAdvisoryLock } from './advisory-lock.js';
export { listenForUsage, type UsageNotifications } from './usage-notifications.js';
export { writeUsageBatch, writeSerializedUsage, pruneBodies, rebuildRollups, rebuildAccountRollups } from './write-usage.js';
export { readStoredBodies } from './body-queries.js';
export type { UsageRecord, StoredBodies, RateLimitSnapshot, RequestOutcome } from './usage-records.js';
export {
  usageByPeriod,
  usageBreakdown,
  usageTotals,
  assertTimeZone,
  type Period,
  type Dimension,
  type PeriodQuery,
  type PeriodUsage,
  type UsageFilters,
  type UsageTotals,
  peopleConditions,
} from './usage-queries.js';
export {
  conversations,
  latestPlanUtilization,
  usageEntries,
  fiveHourResets,
  type ConversationSummary,
  type PlanUtilization,
  type UsageEntry,
} from './conversation-queries.js';
export {
  sessionUsage,
  hourlyUsage,
  rangeUsage,
  activityBounds,
  fiveHourResetsByAccount,
  type SessionModelUsage,
  type SessionUsageQuery,
  type HourlyUsage,
  type AccountRange,
  type RangeUsage,
  type ActivityBounds,
  type AccountReset,
} from './report-queries.js';
export { projectBranches, projectSummaries, type BranchUsage, type ProjectSummary } from './project-queries.js';
export { latestRequests, utilizationHistory, type TimeBounds, type RecentRequest, type UtilizationPoint } from './dashboard-queries.js';
export {
  listRequests,
  requestsBeyond,
  countRequests,
  requestDetail,
  conversationRequests,
  requestFilterOptions,
  MAX_PAGE_ROWS,
  type StatusFilter,
  type RequestFilters,
  type RequestCursor,
  type RequestSummary,
  type RequestDetail,
  type RequestPageQuery,
  type RequestPage,
  type RequestCount,
  type FilterOptions,
} from './request-queries.js';
export {
  listSessions,
  topSessionsByCost,
  sessionDetail,
  type SessionSummary,
  type SessionCursor,
  type SessionFilters,
  type SessionModelRow,
  type AgentUsage,
  type SessionDetail,
} from './session-queries.js';
export {
  statuslineFigures,
  STATUSLINE_LOOKBACK_MS,
  type StatuslineQuery,
  type StatuslineFigures,
  type StatuslineSums,
  type StatuslineBlock,
  type StatuslineUtilization,
} from './statusline-query.js';
