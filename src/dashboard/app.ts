/**
 * The dashboard's web app: a placeholder page until the usage pages land, /health, and the ledger's
 * JSON API under /api (key-protected: `x-api-key` or `Authorization: Bearer`).
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Database } from '../storage/index.js';
import type { Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { keyMatches } from './api-key.js';
import { createUsageApi } from './usage-api.js';

export interface DashboardDeps {
  apiKey: string;
  database: () => Promise<Database>;
  logger?: Logger;
}

export function createDashboardApp(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('referrer-policy', 'no-referrer');
    c.header('x-content-type-options', 'nosniff');
    c.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'");
  });
  app.get('/health', (c) => c.json({ status: 'ok', version: VERSION }));
  app.use('/api/*', async (c, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!keyMatches(c.req.header('x-api-key') ?? bearer, deps.apiKey)) {
      return c.json({ type: 'error', error: { type: 'authentication_error', message: 'Missing or invalid dashboard key (send x-api-key or Authorization: Bearer).' } }, 401);
    }
    return next();
  });
  app.route('/api', createUsageApi(deps.database));
  app.onError((error, c) => {
    deps.logger?.error({ err: error }, 'dashboard request failed');
    return c.json({ type: 'error', error: { type: 'api_error', message: 'The dashboard could not answer (is the database reachable?).' } }, 500);
  });
  app.get('/', (c) =>
    c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Claude Nexus</title>
          <style>
            :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
            main { max-width: 40rem; margin: 4rem auto; padding: 0 1rem; }
          </style>
        </head>
        <body>
          <main>
            <h1>Claude Nexus</h1>
            <p>The proxy is running. Usage charts, requests and conversations will appear here.</p>
            <p><small>version ${VERSION}</small></p>
          </main>
        </body>
      </html>`),
  );
  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ type: 'error', error: { type: 'not_found_error', message: `Not found: ${c.req.path}` } }, 404)
      : c.html(html`<!doctype html><title>Not found</title><h1>Not found</h1>`, 404),
  );
  return app;
}
