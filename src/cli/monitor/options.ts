/** Flags of `nexus monitor`. Pure: argument list in, options out; bad values throw a UsageError naming the flag. */
import { parseArgs } from 'node:util';
import { UsageError } from '../command.js';
import { checkTimeZone, systemTimeZone } from '../reports/index.js';
import type { ReportFilters, SourceFlags } from '../usage-source/index.js';
import { planLimit, type PlanLimit } from './plans.js';

export interface MonitorOptions {
  help: boolean;
  filters: ReportFilters;
  source: SourceFlags;
  timeZone: string;
  plan: PlanLimit | undefined;
  /** Seconds between reads of the data (the screen redraws every second). */
  refreshSeconds: number;
}

export const DEFAULT_REFRESH_SECONDS = 5;

export function parseMonitorArgs(args: readonly string[]): MonitorOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      help: { type: 'boolean', short: 'h' },
      account: { type: 'string' },
      domain: { type: 'string' },
      plan: { type: 'string' },
      limit: { type: 'string' },
      'refresh-seconds': { type: 'string' },
      timezone: { type: 'string', short: 'z' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const limit = values.limit === undefined ? undefined : wholeNumber('--limit', values.limit, 1_000_000_000);
  if (limit !== undefined && values.plan === undefined) throw new UsageError('--limit goes with --plan (e.g. --plan custom --limit 500000)');
  return {
    help: values.help === true,
    filters: { account: values.account, domain: values.domain, model: undefined },
    source: { url: values.url, apiKey: values['api-key'] },
    timeZone: values.timezone === undefined ? systemTimeZone() : checkTimeZone(values.timezone),
    plan: values.plan === undefined ? undefined : planLimit(values.plan, limit),
    refreshSeconds: values['refresh-seconds'] === undefined ? DEFAULT_REFRESH_SECONDS : wholeNumber('--refresh-seconds', values['refresh-seconds'], 3600),
  };
}

function wholeNumber(flag: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value <= 0 || value > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got "${raw}"`);
  return value;
}
