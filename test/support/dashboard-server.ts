/** A real dashboard server on port 0 over a given database, for the dashboard tests. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDashboardApp, type DashboardDeps } from '../../src/dashboard/index.js';

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

export async function startDashboardServer(deps: DashboardDeps): Promise<DashboardServer> {
  const app = createDashboardApp(deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
