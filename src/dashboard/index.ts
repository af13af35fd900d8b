/** The dashboard web app on its own port. */
export { createDashboardApp } from './app.js';
