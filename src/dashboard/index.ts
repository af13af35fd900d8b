/** The dashboard web app on its own port: pages, the ledger's JSON API and the live feed. */
export { createDashboardApp, type DashboardDeps } from './app.js';
export { loadDashboardKey, type DashboardKey } from './api-key.js';
export { loadSessionSecret } from './session.js';
export type { LiveRecord, UsageEvents } from './live.js';
