/** Wires config to features and starts the long-running services, each on its own port. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Config } from '../config.js';
import { createCredentialStore, findManagedDomain } from '../credentials/index.js';
import { createDashboardApp, loadDashboardKey, loadSessionSecret } from '../dashboard/index.js';
import { createKeyDirectory, openInstallationSecret } from '../people/index.js';
import { combineListeners, createProxyServer } from '../proxy/index.js';
import type { Logger } from '../shared/logger.js';
import { createFingerprint, createUsageListenerFactory, type Recorder } from '../usage/index.js';
import { listenForUsage } from '../storage/index.js';
import type { Ledger } from './ledger.js';
import { postgresRefreshCoordinator } from './refresh-coordinator.js';

export interface RunningService {
  name: string;
  url: string;
  close(drainMs?: number): Promise<void>;
}

export async function startProxy(config: Config, logger: Logger, ledger: Ledger): Promise<RunningService> {
  const credentials = createCredentialStore({
    dir: config.credentialsDir,
    tokenEndpoint: { url: config.oauthTokenUrl, clientId: config.oauthClientId },
    logger,
    // Several instances may share PostgreSQL (and the credentials folder); PGlite is one process.
    coordinator: config.databaseUrl?.startsWith('postgres') === true ? postgresRefreshCoordinator(() => ledger.database(), logger) : undefined,
    onRefresh: (outcome) => {
      metrics.countOAuthRefresh(outcome);
    },
  });
  const { metrics, recorder } = ledger;
  // Every recorded request also counts its tokens and cost in the metrics.
  const countingRecorder: Recorder = {
    ...recorder,
    events: recorder.events,
    record(record) {
      metrics.countUsage(record);
      recorder.record(record);
    },
  };
  const secret = openInstallationSecret({ dataDir: config.dataDir, database: () => ledger.database(), logger });
  const listenForUsage = createUsageListenerFactory({
    recorder: countingRecorder,
    logger,
    storeBodies: config.storeBodies,
    fingerprint: createFingerprint(() => secret.current()),
    projectRules: config.projectRules,
    gatewayCreatesMembers: config.gatewayCreatesMembers,
  });
  const memberKeys = createKeyDirectory({ database: () => ledger.database(), logger });
  // A change made through this process's dashboard applies here before its answer is sent.
  ledger.onPeopleChange(() => memberKeys.refresh());
  const health = () => {
    const { database, backlog } = recorder.status();
    return { database, spoolBacklog: backlog };
  };
  const server = createProxyServer({
    config,
    credentials,
    logger,
    listen: combineListeners(listenForUsage, (start) => metrics.listen(start)),
    health,
    metrics: () => metrics.render(),
    memberKeys,
  });
  const service = await listen('proxy', server, config.host, config.port);
  return {
    ...service,
    close: async (drainMs) => {
      await service.close(drainMs);
      await memberKeys.close();
    },
  };
}

export async function startDashboard(config: Config, logger: Logger, ledger: Ledger): Promise<RunningService> {
  const { key, generated } = loadDashboardKey(config.dashboardApiKey, config.dataDir);
  // Live pages hold their streams open: closing the dashboard ends them instead of waiting out the drain.
  const shutdown = new AbortController();
  // On PostgreSQL the proxies may be other processes (other instances, another container): the live
  // feed hears every committed row through LISTEN/NOTIFY. The embedded database has one process.
  const notifications =
    config.databaseUrl?.startsWith('postgres') === true
      ? listenForUsage({
          url: config.databaseUrl,
          database: () => ledger.database(),
          onError: (error) => {
            logger.warn({ err: error }, 'live feed: listening for new usage failed; retrying');
          },
        })
      : null;
  const app = createDashboardApp({
    apiKey: key,
    database: () => ledger.database(),
    logger,
    sessionSecret: loadSessionSecret(config.dataDir),
    revokedSessionsFile: join(config.dataDir, 'dashboard-revoked-sessions'),
    usageEvents: notifications?.events ?? ledger.recorder.events,
    domains: (text) => findManagedDomain(config.credentialsDir, text),
    onPeopleChange: () => ledger.peopleChanged(),
    signal: shutdown.signal,
  });
  if (generated) {
    // Shown once: it is also in DATA_DIR/dashboard-api-key (mode 0600).
    process.stdout.write(`\nDashboard key (generated, kept in ${config.dataDir}/dashboard-api-key): ${key}\n\n`);
  }
  const server = serve({ fetch: app.fetch, port: config.dashboardPort, hostname: config.host }) as Server;
  const service = await listen('dashboard', server, config.host, config.dashboardPort, true);
  return {
    ...service,
    close: async (drainMs) => {
      shutdown.abort();
      await notifications?.close();
      await service.close(drainMs);
    },
  };
}

function listen(name: string, server: Server, host: string, port: number, alreadyListening = false): Promise<RunningService> {
  return new Promise((resolve, reject) => {
    const ready = (): void => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        name,
        url: `http://${shownHost}:${address.port}`,
        // Stops accepting, lets in-flight requests and streams finish (up to drainMs), then cuts the rest.
        close: (drainMs = 10_000) =>
          new Promise<void>((done) => {
            const cut = setTimeout(() => { server.closeAllConnections(); }, drainMs);
            cut.unref();
            server.close(() => {
              clearTimeout(cut);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    };
    server.once('error', reject);
    if (alreadyListening) server.once('listening', ready);
    else server.listen(port, host, ready);
  });
}
