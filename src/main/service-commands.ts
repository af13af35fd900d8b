/** `nexus start | proxy | dashboard`: run the services until SIGTERM/SIGINT. */
import { parseArgs } from 'node:util';
import type { Command } from '../cli/index.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../shared/logger.js';
import { acquireDataDirLock, describeDatabase } from '../storage/index.js';
import { openLedger } from './ledger.js';
import { startDashboard, startProxy, type RunningService } from './services.js';

type Service = 'proxy' | 'dashboard';

export function serviceCommand(wanted: Service[], summary: string): Command {
  return {
    async run(args) {
      const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
      if (values.help === true) {
        console.log(`Usage: nexus ${wanted.length === 2 ? 'start' : (wanted[0] ?? '')}\n\n${summary}.\nConfiguration comes from the environment and an optional .env file; see README.md.`);
        return 0;
      }
      await runServices(wanted);
      return 0;
    },
  };
}

async function runServices(wanted: Service[]): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  // The embedded database serves one process: refuse clearly if another one has it.
  const lock = config.databaseUrl === undefined ? acquireDataDirLock(config.dataDir) : null;
  process.once('exit', () => lock?.release());
  const ledger = openLedger(config, logger);
  logger.info({ database: describeDatabase(config) }, 'usage ledger');
  // Opening PGlite (WebAssembly) holds the event loop for a while: do it before taking requests.
  // A PostgreSQL server may be down at start; the proxy serves anyway and records catch up later.
  if (config.databaseUrl === undefined) await ledger.database();
  const services: RunningService[] = [];
  if (wanted.includes('proxy')) services.push(await startProxy(config, logger, ledger));
  if (wanted.includes('dashboard')) services.push(await startDashboard(config, logger, ledger));
  for (const service of services) logger.info({ url: service.url }, `${service.name} listening`);
  const urlOf = (name: Service): string | undefined => services.find((service) => service.name === name)?.url;
  lock?.announce({ ...optional('proxyUrl', urlOf('proxy')), ...optional('dashboardUrl', urlOf('dashboard')) });

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

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
