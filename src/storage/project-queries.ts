/** The branches of a project (from raw requests, on the project index) over a time range. */
import type { Queryable } from './database.js';
import { RAW_SUMS, SUMS, totalsOf, type UsageTotals } from './usage-queries.js';

export interface BranchUsage extends UsageTotals {
  /** '' when no branch was seen. */
  branch: string;
  members: number;
  lastAt: Date;
}

export async function projectBranches(db: Queryable, query: { project: string; since: Date; until: Date }): Promise<BranchUsage[]> {
  const rows = await db.query(
    `SELECT coalesce(branch, '') AS branch, count(DISTINCT member_id)::int AS members, max(started_at) AS last_at, ${RAW_SUMS}
     FROM requests WHERE project = $1 AND started_at >= $2::timestamptz AND started_at < $3::timestamptz
     GROUP BY 1 ORDER BY sum(cost_usd) DESC NULLS LAST, 1`,
    [query.project, query.since.toISOString(), query.until.toISOString()],
  );
  return rows.map((row) => ({ branch: String(row.branch), members: Number(row.members), lastAt: row.last_at as Date, ...totalsOf(row) }));
}

export interface ProjectSummary extends UsageTotals {
  project: string;
  /** Members who worked on it in the range. */
  members: number;
}

/** Every project with usage in the range, costliest first, from the hourly roll-ups. */
export async function projectSummaries(db: Queryable, range: { since: Date; until: Date }): Promise<ProjectSummary[]> {
  const rows = await db.query(
    `SELECT project, count(DISTINCT nullif(member_id, ''))::int AS members, ${SUMS}
     FROM usage_people_hourly WHERE project <> '' AND hour >= $1::timestamptz AND hour < $2::timestamptz
     GROUP BY project ORDER BY sum(cost_usd) DESC, project`,
    [range.since.toISOString(), range.until.toISOString()],
  );
  return rows.map((row) => ({ project: String(row.project), members: Number(row.members), ...totalsOf(row) }));
}
