/** The sub-commands this feature gives `nexus`, in the order `nexus --help` lists them. */
import type { LazyCommand } from './command.js';
import type { ReportKind } from './reports/options.js';
import { SUMMARIES } from './reports/help.js';

const report = (kind: ReportKind): LazyCommand => ({
  summary: SUMMARIES[kind],
  load: async () => (await import('./reports/index.js')).reportCommand(kind),
});

export const CLI_COMMANDS: Record<string, LazyCommand> = {
  credentials: {
    summary: 'list, check and create per-domain credentials (API keys, OAuth logins, client keys)',
    load: async () => (await import('./credentials/index.js')).credentialsCommand,
  },
  members: {
    summary: 'add, list and remove the people usage is attributed to',
    load: async () => (await import('./people/index.js')).membersCommand,
  },
  keys: {
    summary: "create, list and revoke members' own client keys (shown once, stored as hashes)",
    load: async () => (await import('./people/index.js')).keysCommand,
  },
  daily: report('daily'),
  weekly: report('weekly'),
  monthly: report('monthly'),
  session: report('session'),
  blocks: report('blocks'),
  monitor: {
    summary: 'live view of the current 5-hour blocks: burn rate, projection, plan limits',
    load: async () => (await import('./monitor/index.js')).monitorCommand,
  },
  statusline: {
    summary: "one line for Claude Code's status line: session, today's and the block's cost, plan use",
    load: async () => (await import('./statusline/index.js')).statuslineCommand,
  },
};
