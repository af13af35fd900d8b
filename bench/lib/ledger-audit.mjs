/**
 * What a recording bench checks once the load is over and every record was written: rows in
 * `requests`, distinct ids (a record written twice under two ids would show here as rows > sent),
 * rows per user agent and outcome (the benches tag their traffic with the user agent) and the
 * roll-up totals against the raw sums (checkRollups). Run by bench/nexus-child.mjs on its own
 * connection when the parent asks `{type:'audit'}`, so it works the same for PostgreSQL and PGlite.
 */
import { checkRollups } from './bulk-records.mjs';

/**
 * Resolves `{ rows, distinctIds, byAgent: [{ userAgent, outcome, rows }], rollups: { same, requests,
 * costUsd } }`; numbers are plain numbers (counts stay far below 2^53).
 */
export async function auditLedger(db) {
  const [totals] = await db.query('SELECT count(*)::bigint AS rows, count(DISTINCT id)::bigint AS distinct_ids FROM requests');
  const groups = await db.query(`SELECT coalesce(user_agent, '') AS user_agent, outcome, count(*)::bigint AS rows
    FROM requests GROUP BY 1, 2 ORDER BY 1, 2`);
  const rollups = await checkRollups(db);
  return {
    rows: Number(totals?.rows ?? 0),
    distinctIds: Number(totals?.distinct_ids ?? 0),
    byAgent: groups.map((g) => ({ userAgent: g.user_agent, outcome: g.outcome, rows: Number(g.rows) })),
    rollups,
  };
}

/** Rows of `audit.byAgent` for `userAgent`, all outcomes, or only `outcome`. */
export function rowsFor(audit, userAgent, outcome) {
  return audit.byAgent.filter((g) => g.userAgent === userAgent && (outcome === undefined || g.outcome === outcome)).reduce((sum, g) => sum + g.rows, 0);
}
