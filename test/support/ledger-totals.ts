/** Sums of the usage ledger's tables, to check that rows and roll-ups agree (nothing lost, nothing counted twice). */
import type { Queryable } from '../../src/storage/index.js';

// Type aliases, not interfaces: query<T> wants a type with an implicit index signature.
export type TokenSums = {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** Exact decimal text. */
  cost: string;
};

export type LedgerTotals = {
  /** count(*) and count(DISTINCT id) of requests, with its token sums. */
  requests: TokenSums & { rows: number; ids: number };
  hourly: TokenSums & { requests: number };
  daily: TokenSums & { requests: number };
};

const SUMS = `coalesce(sum(input_tokens), 0)::bigint AS input, coalesce(sum(output_tokens), 0)::bigint AS output,
  coalesce(sum(cache_write_tokens), 0)::bigint AS "cacheWrite", coalesce(sum(cache_read_tokens), 0)::bigint AS "cacheRead",
  coalesce(sum(cost_usd), 0)::numeric(24, 12)::text AS cost`;

export async function ledgerTotals(db: Queryable): Promise<LedgerTotals> {
  const [requests] = await db.query<LedgerTotals['requests']>(`SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids, ${SUMS} FROM requests`);
  const [hourly] = await db.query<LedgerTotals['hourly']>(`SELECT coalesce(sum(requests), 0)::bigint AS requests, ${SUMS} FROM usage_hourly`);
  const [daily] = await db.query<LedgerTotals['daily']>(`SELECT coalesce(sum(requests), 0)::bigint AS requests, ${SUMS} FROM usage_daily`);
  if (requests === undefined || hourly === undefined || daily === undefined) throw new Error('aggregate queries returned no row');
  return { requests, hourly, daily };
}

/** The roll-up sums a ledger of `rows` must show: each request counted once. */
export function expectedRollup(totals: LedgerTotals): TokenSums & { requests: number } {
  const { rows, input, output, cacheWrite, cacheRead, cost } = totals.requests;
  return { requests: rows, input, output, cacheWrite, cacheRead, cost };
}
