/** The dashboard web app on its own port, with the ledger's JSON API. */
export { createDashboardApp, type DashboardDeps } from './app.js';
export { loadDashboardKey, type DashboardKey } from './api-key.js';
