/** `nexus monitor`: thin — parse the flags, then the live loop. */
import { loadConfig } from '../../config.js';
import type { Command } from '../command.js';
import { runMonitor } from './monitor-loop.js';
import { DEFAULT_REFRESH_SECONDS, parseMonitorArgs } from './options.js';

const HELP = `Usage: nexus monitor [options]

A live, full-screen view of each account's current 5-hour block: tokens and cost used, burn rate,
projection to the block's end, the server's own 5-hour and 7-day utilization (from the rate-limit
headers on record) and time to reset, the share of each model, and progress against --plan.
Bars turn yellow at 70% and red at 90%. Quit with q or Ctrl-C.

When stdout is not a terminal it prints one plain line per active account at each read instead,
with no escape codes. A source that fails is shown on the screen and retried.

Reads DATABASE_URL, or the embedded database in DATA_DIR (through the running nexus's dashboard
when one holds it), or the dashboard at --url / NEXUS_URL. Reading the embedded database directly
holds DATA_DIR's lock while the monitor runs: start nexus first and the monitor reads through it.

Options:
      --plan pro|max5|max20|custom
                          an estimate of the plan's limit per block (pro 44,000 tokens / $18,
                          max5 88,000 / $35, max20 220,000 / $140: Claude-Code-Usage-Monitor's figures);
                          the server's utilization, when on record, is shown above it
      --limit N           tokens per block for --plan custom (or instead of a preset's)
      --refresh-seconds N read the data every N seconds (default ${String(DEFAULT_REFRESH_SECONDS)}); the screen redraws every second
      --account NAME      only this account
      --domain NAME       only this domain
  -z, --timezone ZONE     IANA time zone for clock times (default: the system's)
      --url URL           read from this dashboard (default: NEXUS_URL, else the database)
      --api-key KEY       the dashboard's key (default: NEXUS_API_KEY, else DASHBOARD_API_KEY)
  -h, --help              this help`;

export const monitorCommand: Command = {
  async run(args) {
    const options = parseMonitorArgs(args);
    if (options.help) {
      console.log(HELP);
      return 0;
    }
    const code = await runMonitor(options, loadConfig(), { stdout: process.stdout, stdin: process.stdin });
    // A read still waiting on an unreachable source must not hold the exit (the terminal is already back).
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  },
};
