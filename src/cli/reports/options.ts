/**
 * Flags of the report commands, as ccusage spells them so habits carry over (-s/--since,
 * -u/--until, -j/--json, -o/--order, -b/--breakdown, -z/--timezone, -w/--start-of-week,
 * -a/--active, -r/--recent, -t/--token-limit, --compact), plus ours: the filters and the source.
 * Pure: argument list in, options out; bad values throw a UsageError naming the flag.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../command.js';
import type { ReportFilters, SourceFlags } from '../usage-source/index.js';
import type { TokenLimit } from './blocks-view.js';
import type { SortOrder } from './period-report.js';
import { checkTimeZone, parseDay, systemTimeZone } from './time-zone.js';

export type ReportKind = 'daily' | 'weekly' | 'monthly' | 'session' | 'blocks';

export interface ReportOptions {
  help: boolean;
  json: boolean;
  breakdown: boolean;
  compact: boolean;
  order: SortOrder;
  timeZone: string;
  /** `YYYY-MM-DD` in the time zone, inclusive. */
  since: string | undefined;
  /** `YYYY-MM-DD` in the time zone, inclusive (ccusage's --until includes that day). */
  until: string | undefined;
  filters: ReportFilters;
  /** daily, weekly, monthly: a row per member, team or project under each period. */
  by: GroupBy | undefined;
  source: SourceFlags;
  /** weekly: 0 Sunday … 6 Saturday. */
  startOfWeek: number;
  /** session: one session or conversation id. */
  session: string | undefined;
  active: boolean;
  recent: boolean;
  tokenLimit: TokenLimit | undefined;
}

export type GroupBy = 'member' | 'team' | 'project';
const GROUP_BY: readonly GroupBy[] = ['member', 'team', 'project'];

export const WEEK_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const SHARED = {
  help: { type: 'boolean', short: 'h' },
  since: { type: 'string', short: 's' },
  until: { type: 'string', short: 'u' },
  json: { type: 'boolean', short: 'j' },
  order: { type: 'string', short: 'o' },
  breakdown: { type: 'boolean', short: 'b' },
  timezone: { type: 'string', short: 'z' },
  compact: { type: 'boolean' },
  domain: { type: 'string' },
  account: { type: 'string' },
  model: { type: 'string' },
  project: { type: 'string', short: 'p' },
  member: { type: 'string' },
  team: { type: 'string' },
  by: { type: 'string' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
} as const;

const EXTRA = {
  daily: {},
  monthly: {},
  weekly: { 'start-of-week': { type: 'string', short: 'w' } },
  session: { session: { type: 'string' } },
  blocks: { active: { type: 'boolean', short: 'a' }, recent: { type: 'boolean', short: 'r' }, 'token-limit': { type: 'string', short: 't' } },
} as const;

type Values = Partial<Record<string, string | boolean>>;

export function parseReportArgs(kind: ReportKind, args: readonly string[]): ReportOptions {
  const { values } = parseArgs({ args: [...args], options: { ...SHARED, ...EXTRA[kind] }, strict: true, allowPositionals: false }) as { values: Values };
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const flag = (name: string): boolean => values[name] === true;
  const timeZone = text('timezone') === undefined ? systemTimeZone() : checkTimeZone(text('timezone') ?? '');
  const since = optional(text('since'), (v) => parseDay('--since', v));
  const until = optional(text('until'), (v) => parseDay('--until', v));
  if (since !== undefined && until !== undefined && since > until) throw new UsageError(`--since ${since} is after --until ${until}`);
  return {
    help: flag('help'),
    json: flag('json'),
    breakdown: flag('breakdown'),
    compact: flag('compact'),
    order: parseOrder(text('order'), kind === 'session' ? 'desc' : 'asc'),
    timeZone,
    since,
    until,
    filters: {
      domain: text('domain'),
      account: text('account'),
      model: text('model'),
      member: text('member'),
      team: text('team'),
      project: text('project'),
    },
    by: optional(text('by'), (value) => parseGroupBy(kind, value)),
    source: { url: text('url'), apiKey: text('api-key') },
    startOfWeek: parseWeekDay(text('start-of-week')),
    session: text('session'),
    active: flag('active'),
    recent: flag('recent'),
    tokenLimit: optional(text('token-limit'), parseTokenLimit),
  };
}

function optional<T>(value: string | undefined, parse: (value: string) => T): T | undefined {
  return value === undefined ? undefined : parse(value);
}

function parseOrder(value: string | undefined, fallback: SortOrder): SortOrder {
  if (value === undefined) return fallback;
  if (value === 'asc' || value === 'desc') return value;
  throw new UsageError(`--order must be asc or desc, got "${value}"`);
}

function parseWeekDay(value: string | undefined): number {
  // ccusage's weeks start on Sunday unless told otherwise.
  if (value === undefined) return 0;
  const day = WEEK_DAYS.indexOf(value.toLowerCase() as (typeof WEEK_DAYS)[number]);
  if (day < 0) throw new UsageError(`--start-of-week must be one of ${WEEK_DAYS.join(', ')}, got "${value}"`);
  return day;
}

function parseTokenLimit(value: string): TokenLimit {
  if (value === 'max') return 'max';
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--token-limit must be a positive whole number of tokens or "max", got "${value}"`);
  }
  return Number(value);
}

function parseGroupBy(kind: ReportKind, value: string): GroupBy {
  if (kind === 'session' || kind === 'blocks') throw new UsageError(`--by is for the daily, weekly and monthly reports, not ${kind}`);
  const by = GROUP_BY.find((candidate) => candidate === value);
  if (by === undefined) throw new UsageError(`--by must be one of ${GROUP_BY.join(', ')}, got "${value}"`);
  return by;
}
