/**
 * The frame every dashboard page renders in: head (own CSS and scripts only, no inline code: the CSP
 * allows 'self' scripts alone), the navigation, the logout form with its CSRF token, and small
 * building blocks pages share. `renderPage` sends a page with the right status and no caching.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { VERSION } from '../shared/version.js';
import { assetUrl, type AssetName } from './assets.js';
import type { Session } from './session.js';

export type NavSection = 'overview' | 'accounts' | 'people' | 'projects' | 'requests' | 'conversations';

export const NAV: readonly { section: NavSection; href: string; label: string }[] = [
  { section: 'overview', href: '/', label: 'Overview' },
  { section: 'accounts', href: '/accounts', label: 'Accounts' },
  { section: 'people', href: '/people', label: 'People' },
  { section: 'projects', href: '/projects', label: 'Projects' },
  { section: 'requests', href: '/requests', label: 'Requests' },
  { section: 'conversations', href: '/conversations', label: 'Conversations' },
];

/** What every page knows about the viewer: their session (null when signed out, or signed in with the key header) and time zone. */
export interface PageContext {
  session: Session | null;
  /** Signed in (by cookie or by key header): the navigation is shown. */
  signedIn: boolean;
  tz: string;
}

export interface LayoutProps {
  title: string;
  page: PageContext;
  section?: NavSection;
  /** Page scripts after nexus.js (uPlot is added when `charts`). */
  scripts?: AssetName[];
  charts?: boolean;
  children?: Child;
}

export function Layout(props: LayoutProps): JSX.Element {
  const { page } = props;
  const scripts: AssetName[] = [...(props.charts === true ? (['uplot.js'] as const) : []), 'nexus.js', ...(props.scripts ?? [])];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${props.title} · Claude Nexus`}</title>
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        {props.charts === true ? <link rel="stylesheet" href={assetUrl('uplot.css')} /> : null}
        <link rel="stylesheet" href={assetUrl('nexus.css')} />
        {scripts.map((name) => (
          <script src={assetUrl(name)} defer />
        ))}
      </head>
      <body data-tz={page.tz}>
        <header class="top">
          <a class="brand" href="/">
            Claude Nexus
          </a>
          {page.signedIn ? (
            <nav aria-label="Sections">
              {NAV.map((item) => (
                <a href={item.href} aria-current={item.section === props.section ? 'page' : undefined}>
                  {item.label}
                </a>
              ))}
            </nav>
          ) : null}
          {page.session === null ? null : (
            <form class="logout" method="post" action="/logout">
              <input type="hidden" name="csrf" value={page.session.csrfToken} />
              <button type="submit">Log out</button>
            </form>
          )}
        </header>
        <main id="main">{props.children}</main>
        <footer>
          <small>Claude Nexus {VERSION}</small>
        </footer>
      </body>
    </html>
  );
}

/** Sends a page: `<!doctype html>`, the status, and `no-store` (pages show usage and tokens). */
export async function renderPage(c: Context, element: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 429 | 500 = 200): Promise<Response> {
  const html = await element;
  c.header('cache-control', 'no-store');
  return c.html(`<!doctype html>${String(html)}`, status);
}

/**
 * Sends a piece of a page (no layout) that a page's script loads into a `data-fragment` element, for
 * parts slower than the rest of the page; rendered by the same components, so escaped the same way.
 */
export async function renderFragment(c: Context, element: JSX.Element): Promise<Response> {
  const html = await element;
  c.header('cache-control', 'no-store');
  return c.html(String(html));
}

/** A placeholder that nexus.js fills with the HTML fragment at `src` once the page has loaded. */
export function Deferred(props: { src: string; label: string }): JSX.Element {
  return (
    <div data-fragment={props.src} aria-live="polite" aria-busy="true">
      <p class="empty">Loading {props.label}…</p>
    </div>
  );
}

/** A figure with its label and an optional comparison line; `name` lets the client script update it. */
export function Stat(props: { label: string; name: string; value: string; text: string; change?: string; hint?: string }): JSX.Element {
  return (
    <div class="stat">
      <span class="stat-label">{props.label}</span>
      <output class="stat-value" data-total={props.name} data-value={props.value}>
        {props.text}
      </output>
      {props.change === undefined ? null : (
        <span class="stat-change" data-change={props.name}>
          {props.change}
        </span>
      )}
      {props.hint === undefined ? null : <span class="stat-hint">{props.hint}</span>}
    </div>
  );
}

/** A titled block of a page. */
export function Panel(props: { title: string; id?: string; children?: Child; actions?: Child }): JSX.Element {
  return (
    <section class="panel" id={props.id}>
      <header class="panel-head">
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

/** Wraps a table so a narrow screen scrolls the table, never the page. */
export function TableScroll(props: { children?: Child; label: string }): JSX.Element {
  return (
    <div class="table-scroll" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

export function Empty(props: { children?: Child }): JSX.Element {
  return <p class="empty">{props.children}</p>;
}

/** A whole page saying what went wrong (404, 400, 403, 429, 500), never a stack trace. */
export function MessagePage(props: { page: PageContext; title: string; message: string; section?: NavSection; children?: Child }): JSX.Element {
  return (
    <Layout title={props.title} page={props.page} {...(props.section === undefined ? {} : { section: props.section })}>
      <div class="message">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.children}
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </div>
    </Layout>
  );
}
