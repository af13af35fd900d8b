/** `nexus reprice [--since DATE]`: recompute stored costs with the current price table. */
import type { Config } from '../config.js';
import { PRICE_TABLE_VERSION } from '../pricing/index.js';
import { describeDatabase, openDatabase } from '../storage/index.js';
import { repriceUsage } from '../usage/index.js';

/** `YYYY-MM-DD` or `YYYYMMDD` as the start of that UTC day; throws a message naming the flag. */
export function parseDateFlag(flag: string, value: string): Date {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  const date = match === null ? null : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date === null || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${match?.[1] ?? ''}-${match?.[2] ?? ''}-${match?.[3] ?? ''}`) {
    throw new Error(`${flag} must be a date as YYYY-MM-DD or YYYYMMDD, got "${value}"`);
  }
  return date;
}

export async function runReprice(config: Config, since: Date | null): Promise<string> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const result = await repriceUsage(db, { since });
    const scope = since === null ? 'all requests' : `requests since ${since.toISOString().slice(0, 10)}`;
    const lines = [
      `Repriced ${scope} in ${describeDatabase(config)} with price table ${PRICE_TABLE_VERSION}:`,
      `  ${String(result.examined)} examined, ${String(result.changed)} changed${result.changed > 0 ? ', roll-ups rebuilt' : ''}.`,
    ];
    if (result.unpricedModels.length > 0) lines.push(`  No price yet (cost stays unknown): ${result.unpricedModels.join(', ')}.`);
    return lines.join('\n');
  } finally {
    await db.close();
  }
}
