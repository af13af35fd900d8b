/** `nexus reprice [--since DATE]`: recompute stored costs with the current price table. */
import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../cli/index.js';
import { loadConfig, type Config } from '../config.js';
import { PRICE_TABLE_VERSION } from '../pricing/index.js';
import { acquireDataDirLock, describeDatabase, openDatabase } from '../storage/index.js';
import { repriceUsage } from '../usage/index.js';

export const repriceCommand: Command = {
  async run(args) {
    const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, since: { type: 'string' } } });
    if (values.help === true) {
      console.log('Usage: nexus reprice [--since YYYY-MM-DD]\n\nRecompute stored costs with the current price table.');
      return 0;
    }
    const since = values.since === undefined ? null : parseDateFlag('--since', values.since);
    console.log(await runReprice(loadConfig(), since));
    return 0;
  },
};

/** `YYYY-MM-DD` or `YYYYMMDD` as the start of that UTC day; throws a UsageError naming the flag. */
export function parseDateFlag(flag: string, value: string): Date {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value);
  const date = match === null ? null : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (date === null || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${match?.[1] ?? ''}-${match?.[2] ?? ''}-${match?.[3] ?? ''}`) {
    throw new UsageError(`${flag} must be a date as YYYY-MM-DD or YYYYMMDD, got "${value}"`);
  }
  return date;
}

export async function runReprice(config: Config, since: Date | null): Promise<string> {
  const lock = config.databaseUrl === undefined ? acquireDataDirLock(config.dataDir) : null;
  let db;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    lock?.release();
    throw error;
  }
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
    lock?.release();
  }
}
