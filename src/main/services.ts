/** Wires config to features and starts the long-running services, each on its own port. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../config.js';
import { createCredentialStore } from '../credentials/index.js';
import { createDashboardApp } from '../dashboard/index.js';
import { createProxyServer } from '../proxy/index.js';
import type { Logger } from '../shared/logger.js';

export interface RunningService {
  name: string;
  url: string;
  close(): Promise<void>;
}

export async function startProxy(config: Config, logger: Logger): Promise<RunningService> {
  const credentials = createCredentialStore({
    dir: config.credentialsDir,
    tokenEndpoint: { url: config.oauthTokenUrl, clientId: config.oauthClientId },
    logger,
  });
  const server = createProxyServer({ config, credentials, logger });
  return listen('proxy', server, config.host, config.port);
}

export async function startDashboard(config: Config): Promise<RunningService> {
  const app = createDashboardApp();
  const server = serve({ fetch: app.fetch, port: config.dashboardPort, hostname: config.host }) as Server;
  return listen('dashboard', server, config.host, config.dashboardPort, true);
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
        close: () =>
          new Promise<void>((done) => {
            server.close(() => {
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
