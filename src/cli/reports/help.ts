/** `nexus <report> --help`. */
import type { ReportKind } from './options.js';

export const SUMMARIES: Record<ReportKind, string> = {
  daily: 'usage report per day: tokens and cost by model (ccusage daily)',
  weekly: 'usage report per week (ccusage weekly)',
  monthly: 'usage report per month (ccusage monthly)',
  session: 'usage report per Claude Code session (ccusage session)',
  blocks: '5-hour blocks per account, with burn rate and projection (ccusage blocks)',
};

const SHARED = `  -s, --since DATE        from this day (YYYYMMDD or YYYY-MM-DD, in --timezone)
  -u, --until DATE        to this day, inclusive
  -z, --timezone ZONE     IANA time zone for days and times (default: the system's)
  -o, --order asc|desc    oldest or newest first
  -j, --json              JSON with ccusage's field names
      --compact           the narrow table (automatic under 100 columns)
      --domain NAME       only this domain
      --account NAME      only this account
      --model NAME        only this model
      --member EMAIL      only this member's usage
      --team NAME         only this team's (its current members')
  -p, --project NAME      only this project (the directory Claude Code worked in)
      --url URL           read from this dashboard (default: NEXUS_URL, else the database)
      --api-key KEY       the dashboard's key (default: NEXUS_API_KEY, else DASHBOARD_API_KEY)
  -h, --help              this help`;

const EXTRA: Record<ReportKind, string> = {
  daily: `  -b, --breakdown         a row per model under each day
      --by WHAT           a row per member, team or project under each day`,
  weekly: `  -b, --breakdown         a row per model under each week
      --by WHAT           a row per member, team or project under each week
  -w, --start-of-week DAY sunday (default) … saturday`,
  monthly: `  -b, --breakdown         a row per model under each month
      --by WHAT           a row per member, team or project under each month`,
  session: `  -b, --breakdown         a row per model under each session
      --session ID        only this session (Claude Code session id or conversation id)`,
  blocks: `  -a, --active            only the active block, in detail
  -r, --recent            blocks of the last 3 days, and the active one
  -t, --token-limit N|max token limit for the % column and projections (max: the most any block used)`,
};

const NOTES: Record<ReportKind, string> = {
  daily: '',
  weekly: '',
  monthly: '',
  session: '\nSessions are listed newest first; --since/--until select them by their last activity.',
  blocks:
    '\nBlocks follow the server\'s own 5-hour windows where its rate-limit headers are on record for the account,\n' +
    'else ccusage\'s rule (the hour of the first request, 5 hours long).',
};

export function reportHelp(kind: ReportKind): string {
  return `Usage: nexus ${kind} [options]

${SUMMARIES[kind].replace(/^./, (c) => c.toUpperCase())}.
Reads DATABASE_URL, or the embedded database in DATA_DIR (through the running nexus's dashboard
when one holds it), or the dashboard at --url / NEXUS_URL. Costs of models without a price show as
"unknown"; in JSON totalCost holds the priced part and unpricedRequests counts the rest.${NOTES[kind]}

Options:
${EXTRA[kind]}
${SHARED}`;
}
