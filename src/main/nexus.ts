#!/usr/bin/env node
/** The `nexus` command: starts the services (later issues add the usage reports here). */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { describeDatabase } from '../storage/index.js';
import { openLedger } from './ledger.js';
import { parseDateFlag, runReprice } from './reprice-command.js';
import { startDashboard, startProxy, type RunningService } from './services.js';

const USAGE = `Usage: nexus <command>

Commands:
  start       run the proxy (PORT, default 3000) and the dashboard (DASHBOARD_PORT, default 3001)
  proxy       run the proxy only
  dashboard   run the dashboard only
  reprice     recompute stored costs with the current price table
              (--since YYYY-MM-DD: only requests from that day on)

Options:
  -h, --help      show this help
  -v, --version   print the version

Configuration comes from the environment and an optional .env file; see README.md.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      since: { type: 'string' },
    },
  });
  if (values.version === true) {
    console.log(VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (rest.length > 0) return usageError(`unexpected argument "${rest.join(' ')}"`);
  if (command === 'reprice') {
    let since: Date | null;
    try {
      since = values.since === undefined ? null : parseDateFlag('--since', values.since);
    } catch (error) {
      return usageError((error as Error).message);
    }
    console.log(await runReprice(loadConfig(), since));
    return 0;
  }
  if (values.since !== undefined) return usageError('--since goes with reprice');
  const starters: Record<string, ('proxy' | 'dashboard')[]> = {
    start: ['proxy', 'dashboard'],
    proxy: ['proxy'],
    dashboard: ['dashboard'],
  };
  const wanted = starters[command];
  if (wanted === undefined) return usageError(`unknown command "${command}"`);
  await runServices(wanted);
  return 0;
}

async function runServices(wanted: ('proxy' | 'dashboard')[]): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const ledger = openLedger(config, logger);
  logger.info({ database: describeDatabase(config) }, 'usage ledger');
  // Opening PGlite (WebAssembly) holds the event loop for a while: do it before taking requests.
  // A PostgreSQL server may be down at start; the proxy serves anyway and records catch up later.
  if (config.databaseUrl === undefined) await ledger.database();
  const services: RunningService[] = [];
  if (wanted.includes('proxy')) services.push(await startProxy(config, logger, ledger));
  if (wanted.includes('dashboard')) services.push(await startDashboard(config, logger, ledger));
  for (const service of services) logger.info({ url: service.url }, `${service.name} listening`);

  // Graceful: stop accepting, let streams finish, then flush pending usage records.
  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    void Promise.all(services.map((service) => service.close()))
      .then(() => ledger.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    setTimeout(() => process.exit(1), 30_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function usageError(message: string): number {
  console.error(`nexus: ${message}. Run "nexus --help" for usage.`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`nexus: configuration error: ${error.message}`);
    } else if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      console.error(`nexus: ${error.message}`);
    } else {
      console.error('nexus:', error);
    }
    process.exitCode = 2;
  },
);
