/**
 * `nexus reprice`: after the price table changed, recompute the stored cost of every request (from
 * a date on) with the prices in force at its own time, then rebuild the roll-ups from the requests.
 */
import { costOf, picoToUsdString, usdStringToPico } from '../pricing/index.js';
import type { TokenUsage } from '../shared/token-usage.js';
import { rebuildRollups, type Database } from '../storage/index.js';

export interface RepriceResult {
  examined: number;
  changed: number;
  /** Models without a price: their cost stays NULL. */
  unpricedModels: string[];
}

const PAGE = 2000;

export async function repriceUsage(db: Database, options: { since: Date | null }): Promise<RepriceResult> {
  let examined = 0;
  let changed = 0;
  const unpriced = new Set<string>();
  let cursor: { at: string; id: string } | null = options.since === null ? null : { at: options.since.toISOString(), id: '' };
  for (;;) {
    const rows: RepriceRow[] = await db.query<RepriceRow & Record<string, unknown>>(
      `SELECT id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, model,
         input_tokens, output_tokens, cache_write_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
         server_tool_use, service_tier, inference_geo, cost_usd::text AS cost_usd
       FROM requests ${cursor === null ? '' : 'WHERE (started_at, id) > ($1::timestamptz, $2)'}
       ORDER BY started_at, id LIMIT ${String(PAGE)}`,
      cursor === null ? [] : [cursor.at, cursor.id],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      examined += 1;
      const next = priceRow(row);
      if (next === undefined) continue;
      if (next === null && row.model !== null) unpriced.add(row.model);
      if (!sameCost(row.cost_usd, next)) {
        await db.query('UPDATE requests SET cost_usd = $2::numeric, price_version = $3 WHERE id = $1', [row.id, next?.usd ?? null, next?.version ?? null]);
        changed += 1;
      }
    }
    const last = rows.at(-1);
    if (last === undefined) break;
    cursor = { at: last.at, id: last.id };
  }
  if (changed > 0) await rebuildRollups(db, options.since);
  return { examined, changed, unpricedModels: [...unpriced].sort() };
}

interface RepriceRow {
  id: string;
  at: string;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  server_tool_use: Record<string, number> | null;
  service_tier: string | null;
  inference_geo: string | null;
  cost_usd: string | null;
}

/** undefined: nothing to price (no tokens, so the stored 0 stands); null: unknown price. */
function priceRow(row: RepriceRow): { usd: string; version: string } | null | undefined {
  const usage: TokenUsage = {
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    cacheWrite5mTokens: row.cache_write_5m_tokens,
    cacheWrite1hTokens: row.cache_write_1h_tokens,
    cacheReadTokens: row.cache_read_tokens,
    serverToolUse: row.server_tool_use ?? {},
    serviceTier: row.service_tier,
    inferenceGeo: row.inference_geo,
  };
  const tokens = usage.inputTokens + usage.outputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
  if (tokens === 0 && Object.keys(usage.serverToolUse).length === 0) return undefined;
  if (row.model === null) return null;
  const cost = costOf(row.model, usage, new Date(row.at));
  return cost === null ? null : { usd: picoToUsdString(cost.picoUsd), version: cost.priceVersion };
}

function sameCost(stored: string | null, next: { usd: string } | null): boolean {
  if (stored === null || next === null) return stored === null && next === null;
  return usdStringToPico(stored) === usdStringToPico(next.usd);
}
