/**
 * Who may see the dashboard: a session cookie from the login form (signed, httpOnly, SameSite=Strict,
 * Secure over https), or the dashboard key sent as `x-api-key` / `Authorization: Bearer` (the CLI).
 * Logins are rate-limited per address; login and logout accept only same-origin posts, and logout
 * needs the session's CSRF token.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { keyMatches } from './api-key.js';
import { MessagePage, renderPage, type PageContext } from './layout.js';
import type { LoginLimiter } from './login-limiter.js';
import { LoginPage } from './pages/login.js';
import { SESSION_COOKIE, SESSION_TTL_SECONDS, type SessionSigner } from './session.js';
import { isTimeZone } from './zoned-time.js';

export type DashboardEnv = { Variables: { page: PageContext } };

export interface AuthOptions {
  apiKey: string;
  signer: SessionSigner;
  limiter: LoginLimiter;
}

/** The browser's zone, remembered by nexus.js, so pages speak local time without a parameter. */
export const TZ_COOKIE = 'nexus_tz';

function presentedKey(c: Context): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return c.req.header('x-api-key') ?? bearer;
}

/** The viewer, from the session cookie or the key header; `signedIn` false when neither holds. */
export function viewerOf(c: Context, options: AuthOptions): PageContext {
  const tz = rememberedZone(c);
  const session = options.signer.verify(getCookie(c, SESSION_COOKIE));
  if (session !== null) return { session, signedIn: true, tz };
  return { session: null, signedIn: keyMatches(presentedKey(c), options.apiKey), tz };
}

function rememberedZone(c: Context): string {
  const zone = getCookie(c, TZ_COOKIE);
  return zone !== undefined && zone.length <= 64 && isTimeZone(zone) ? zone : 'UTC';
}

/** /api/*: a 401 in the API's error shape when neither the key nor a session is presented. */
export function requireApiAuth(options: AuthOptions): MiddlewareHandler<DashboardEnv> {
  return async function requireApiAuth(c, next) {
    const viewer = viewerOf(c, options);
    if (!viewer.signedIn) {
      return c.json({ type: 'error', error: { type: 'authentication_error', message: 'Missing or invalid dashboard key (send x-api-key or Authorization: Bearer, or log in).' } }, 401);
    }
    // A cookie rides along on any request the browser makes: a state-changing one must come from our own pages.
    if (viewer.session !== null && !['GET', 'HEAD'].includes(c.req.method) && !isSameOrigin(c)) {
      return c.json({ type: 'error', error: { type: 'permission_error', message: 'Cross-origin request refused.' } }, 403);
    }
    c.set('page', viewer);
    await next();
    return undefined;
  };
}

/** Pages: the login form in place (the URL is kept, to return to after logging in). */
export function requirePageAuth(options: AuthOptions): MiddlewareHandler<DashboardEnv> {
  return async function requirePageAuth(c, next) {
    const viewer = viewerOf(c, options);
    c.set('page', viewer);
    if (!viewer.signedIn) {
      const url = new URL(c.req.url);
      return renderPage(c, LoginPage({ page: viewer, next: `${url.pathname}${url.search}` }));
    }
    await next();
    return undefined;
  };
}

/**
 * A page's form post (People: add, create, revoke, link): from our own origin with the session's
 * CSRF token. A request with the key header (no cookie) cannot be forged by a browser and passes.
 */
export function requireFormToken(options: AuthOptions): MiddlewareHandler<DashboardEnv> {
  return async function requireFormToken(c, next) {
    if (c.req.method !== 'POST') {
      await next();
      return undefined;
    }
    const viewer = viewerOf(c, options);
    if (viewer.session !== null) {
      const form = await readForm(c);
      if (!isSameOrigin(c) || !options.signer.csrfMatches(viewer.session, form.csrf)) {
        return renderPage(c, MessagePage({ page: viewer, title: 'Refused', message: 'The form token is missing or out of date: reload the page and send the form again.' }), 403);
      }
    }
    await next();
    return undefined;
  };
}

/** GET/POST /login and POST /logout. */
export function createAuthRoutes(options: AuthOptions): Hono<DashboardEnv> {
  const routes = new Hono<DashboardEnv>();
  routes.get('/login', (c) => {
    const viewer = viewerOf(c, options);
    const next = safeNext(c.req.query('next'));
    if (viewer.session !== null) return c.redirect(next, 303);
    return renderPage(c, LoginPage({ page: viewer, next }));
  });

  // A login or logout form is a few hundred bytes.
  const smallForm = bodyLimit({ maxSize: 8 * 1024 });
  routes.post('/login', smallForm, async (c) => {
    const page: PageContext = { session: null, signedIn: false, tz: rememberedZone(c) };
    if (!isSameOrigin(c)) return renderPage(c, MessagePage({ page, title: 'Refused', message: 'The login form must be sent from this dashboard.' }), 403);
    const address = clientAddress(c);
    const waitMs = options.limiter.retryAfterMs(address);
    if (waitMs > 0) {
      c.header('retry-after', String(Math.ceil(waitMs / 1000)));
      return renderPage(c, MessagePage({ page, title: 'Too many attempts', message: `Too many wrong keys from your address. Try again in ${String(Math.ceil(waitMs / 1000))} s.` }), 429);
    }
    const form = await readForm(c);
    const next = safeNext(form.next);
    if (!keyMatches(form.key, options.apiKey)) {
      options.limiter.fail(address);
      return renderPage(c, LoginPage({ page, next, error: 'That is not the dashboard key.' }), 401);
    }
    options.limiter.succeed(address);
    const { cookie } = options.signer.issue();
    setCookie(c, SESSION_COOKIE, cookie, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c), maxAge: SESSION_TTL_SECONDS });
    return c.redirect(next, 303);
  });

  routes.post('/logout', smallForm, async (c) => {
    const viewer = viewerOf(c, options);
    if (!isSameOrigin(c)) return renderPage(c, MessagePage({ page: viewer, title: 'Refused', message: 'Log out from the dashboard itself.' }), 403);
    if (viewer.session === null) return c.redirect('/login', 303);
    const form = await readForm(c);
    if (!options.signer.csrfMatches(viewer.session, form.csrf)) {
      return renderPage(c, MessagePage({ page: viewer, title: 'Refused', message: 'The form token is missing or out of date: reload the page and log out again.' }), 403);
    }
    options.signer.revoke(viewer.session);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
    return c.redirect('/login', 303);
  });
  return routes;
}

async function readForm(c: Context): Promise<Record<string, string | undefined>> {
  try {
    const body = await c.req.parseBody();
    const text = (name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);
    return { key: text('key'), next: text('next'), csrf: text('csrf') };
  } catch {
    return {};
  }
}

/** Only a path on this dashboard: `//evil.example` or `https://…` would make the login an open redirect. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}

/**
 * Browsers send Origin on every POST (Fetch standard, "origin header"); a cross-site form names the
 * other site. Compared by host with Host (or X-Forwarded-Host behind a TLS proxy), never by scheme.
 */
export function isSameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return c.req.header('sec-fetch-site') === 'same-origin';
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
  return host === c.req.header('host') || (forwarded !== undefined && host === forwarded);
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Not served by @hono/node-server (app.request in a test): one shared bucket.
    return 'unknown';
  }
}
