/**
 * The dashboard's web app. Until the usage pages land this serves a placeholder page and /health,
 * so that `nexus start` already brings up both ports.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import { VERSION } from '../shared/version.js';

export function createDashboardApp(): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('referrer-policy', 'no-referrer');
    c.header('x-content-type-options', 'nosniff');
    c.header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'");
  });
  app.get('/health', (c) => c.json({ status: 'ok', version: VERSION }));
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
  app.notFound((c) => c.html(html`<!doctype html><title>Not found</title><h1>Not found</h1>`, 404));
  return app;
}
