/**
 * The dashboard's web app: pages behind a login (or the key header), the ledger's JSON API and the
 * pages' own JSON under /api, a live feed of written records, and static assets. One onError: a
 * page or a JSON error, never a stack trace.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { DomainLookup } from '../people/index.js';
import type { Database } from '../storage/index.js';
import type { Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { createAssetRoutes } from './assets.js';
import { createAuthRoutes, requireApiAuth, requireFormToken, requirePageAuth, viewerOf, type AuthOptions, type DashboardEnv } from './auth.js';
import { MessagePage, renderPage } from './layout.js';
import { createLiveHub, type UsageEvents } from './live.js';
import { createLoginLimiter } from './login-limiter.js';
import { createPageApi } from './page-api.js';
import { createPageRoutes } from './page-routes.js';
import { createPeopleApi } from './people-api.js';
import { createPeopleRoutes } from './people-routes.js';
import { createSessionSigner } from './session.js';
import { createUsageApi } from './usage-api.js';

export interface DashboardDeps {
  apiKey: string;
  database: () => Promise<Database>;
  logger?: Logger;
  /** Signs session cookies. Default: a per-process secret (logins end at restart). */
  sessionSecret?: string | Uint8Array;
  /** Keeps logouts across restarts (with a lasting sessionSecret); default: in memory. */
  revokedSessionsFile?: string;
  /** The recorder's events: each batch written to the database feeds the live view. */
  usageEvents?: UsageEvents;
  /** Aborting ends every open live stream (shutdown). */
  signal?: AbortSignal;
  /** Failed logins allowed per address per minute (default 10). */
  maxLoginFailures?: number;
  /** Live-feed heartbeat interval (default 15 s). */
  heartbeatMs?: number;
  /** The domains the proxy manages (credentials files): new member keys are bound to one. */
  domains?: DomainLookup;
  /** Told after members or keys change (this process's proxy then polls its key directory at once). */
  onPeopleChange?: () => Promise<void> | void;
  /** The clock (tests). */
  now?: () => Date;
}

/** Scripts from our own origin only (no inline code, no eval); nothing may frame the dashboard. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function createDashboardApp(deps: DashboardDeps): Hono<DashboardEnv> {
  const now = deps.now ?? (() => new Date());
  const auth: AuthOptions = {
    apiKey: deps.apiKey,
    signer: createSessionSigner(deps.sessionSecret ?? randomBytes(32), deps.apiKey, { revokedFile: deps.revokedSessionsFile }),
    limiter: createLoginLimiter({ maxFailures: deps.maxLoginFailures ?? 10 }),
  };
  const app = new Hono<DashboardEnv>();
  app.use(
    secureHeaders({
      contentSecurityPolicy: CSP,
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
      // TLS is terminated in front of the dashboard, if at all: HSTS is that proxy's to send.
      strictTransportSecurity: false,
    }),
  );
  app.get('/health', (c) => c.json({ status: 'ok', version: VERSION }));
  app.route('/assets', createAssetRoutes());
  app.route('/', createAuthRoutes(auth));

  app.use('/api/*', requireApiAuth(auth));
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.route('/api', createUsageApi(deps.database));
  app.route(
    '/api',
    createPeopleApi({ database: deps.database, domains: deps.domains ?? (() => ({ problem: 'missing' as const })), ...(deps.onPeopleChange === undefined ? {} : { onChange: deps.onPeopleChange }) }),
  );
  app.route(
    '/api',
    createPageApi({
      database: deps.database,
      now,
      hub: deps.usageEvents === undefined ? null : createLiveHub(deps.usageEvents),
      signal: deps.signal,
      heartbeatMs: deps.heartbeatMs,
    }),
  );

  app.use('*', requirePageAuth(auth));
  app.use('/people/*', requireFormToken(auth));
  app.route('/', createPageRoutes({ database: deps.database, now, live: deps.usageEvents !== undefined }));
  app.route('/', createPeopleRoutes({ database: deps.database, now, domains: deps.domains ?? (() => ({ problem: 'missing' as const })), onPeopleChange: deps.onPeopleChange }));

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return c.json({ type: 'error', error: { type: 'not_found_error', message: `Not found: ${c.req.path}` } }, 404);
    }
    const page = viewerOf(c, auth);
    return renderPage(c, MessagePage({ page, title: 'Page not found', message: `There is no page at ${c.req.path}.` }), 404);
  });
  app.onError((error, c) => {
    deps.logger?.error({ err: error, path: c.req.path }, 'dashboard request failed');
    if (c.req.path.startsWith('/api/')) {
      return c.json({ type: 'error', error: { type: 'api_error', message: 'The dashboard could not answer (is the database reachable?).' } }, 500);
    }
    return renderPage(c, MessagePage({ page: viewerOf(c, auth), title: 'Something went wrong', message: 'The dashboard could not show this page (is the database reachable?). The details are in its log.' }), 500);
  });
  return app;
}
