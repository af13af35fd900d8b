/**
 * Where the report commands read usage from: the database itself or a dashboard over HTTP. Both
 * answer with the same storage queries, so every report is the same whichever source served it.
 */
import type {
  AccountRange,
  AccountReset,
  ActivityBounds,
  HourlyUsage,
  PeriodQuery,
  PeriodUsage,
  PlanUtilization,
  RangeUsage,
  SessionModelUsage,
  SessionUsageQuery,
  StatuslineFigures,
  StatuslineQuery,
  UsageFilters,
} from '../../storage/index.js';

export type ReportFilters = Pick<UsageFilters, 'domain' | 'account' | 'model' | 'member' | 'team' | 'project'>;

export interface UsageSource {
  /** Where the figures come from, for messages (never a password). */
  readonly description: string;
  /** Usage per day, week or month (and per model within it). */
  periods(query: PeriodQuery): Promise<PeriodUsage[]>;
  sessions(query: SessionUsageQuery): Promise<SessionModelUsage[]>;
  /** Per account, UTC hour and model, from the roll-ups. */
  hours(filters: UsageFilters): Promise<HourlyUsage[]>;
  /** Per-model usage inside small ranges (the parts of an hour a server window splits). */
  ranges(filters: ReportFilters, ranges: readonly AccountRange[]): Promise<RangeUsage[]>;
  activityBounds(filters: ReportFilters, ranges: readonly AccountRange[]): Promise<ActivityBounds[]>;
  fiveHourResets(filters: ReportFilters): Promise<AccountReset[]>;
  planUtilization(): Promise<PlanUtilization[]>;
  /** What `nexus statusline` shows, in one query (or one HTTP call). */
  statusline(query: StatuslineQuery): Promise<StatuslineFigures>;
  close(): Promise<void>;
}
