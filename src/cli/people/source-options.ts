/** Flags every people command takes to say where its changes go, and the help lines for them. */
import type { ParseArgsConfig } from 'node:util';

export const SOURCE_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const SOURCE_HELP = `  --url URL       make the change through this dashboard (default: NEXUS_URL, else
                  DATABASE_URL, else the running nexus of DATA_DIR, else DATA_DIR's database)
  --api-key KEY   the dashboard's key (default NEXUS_API_KEY, else DASHBOARD_API_KEY)
  -h, --help      show this help`;
