/**
 * What the dashboard page tests share: a fresh PostgreSQL database, the proxy harness recording into
 * it with two API-key domains (team.example.com → account team, ci.example.com → account ci), a
 * dashboard over that ledger fed by the recorder's events, and a browser.
 */
import { openBrowser, type TestBrowser } from './browser.js';
import { startDashboardServer, type DashboardServer } from './dashboard-server.js';
import { createPostgresDatabase, type TestDatabase } from './databases.js';
import { startHarness, type Harness } from './proxy-harness.js';

export interface DashboardStack {
  h: Harness;
  dashboard: DashboardServer;
  browser: TestBrowser;
  close(): Promise<void>;
}

export async function startDashboardStack(keys: { dashboard: string; team: string; ci: string }): Promise<DashboardStack> {
  const testDb: TestDatabase = await createPostgresDatabase();
  const h = await startHarness({ databaseUrl: testDb.url });
  await h.writeCredentials('team.example.com', { type: 'api_key', api_key: 'sk-ant-api03-fake-valid', client_api_key: keys.team, accountId: 'team' });
  await h.writeCredentials('ci.example.com', { type: 'api_key', api_key: 'sk-ant-api03-fake-valid', client_api_key: keys.ci, accountId: 'ci' });
  const dashboard = await startDashboardServer({ apiKey: keys.dashboard, database: () => h.database(), ...(h.recorder === undefined ? {} : { usageEvents: h.recorder.events }) });
  const browser = await openBrowser();
  return {
    h,
    dashboard,
    browser,
    async close() {
      try {
        await browser.close();
        await dashboard.close();
        await h.close();
        await h.recorder?.close();
      } finally {
        await testDb.drop();
      }
    },
  };
}
