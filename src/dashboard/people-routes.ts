/**
 * The People and Projects pages, and People's forms: add a member, create a key (shown once),
 * revoke a key, link a passthrough fingerprint. A refused form shows the page again with the reason.
 */
import { Hono, type Context } from 'hono';
import { addMember, createKey, expiryAfterLastDay, linkFingerprint, PeopleError, revokeKey, type DomainLookup } from '../people/index.js';
import type { Database } from '../storage/index.js';
import type { DashboardEnv } from './auth.js';
import { MessagePage, renderPage } from './layout.js';
import { loadMember, loadPeople, loadProject, loadProjects } from './people-data.js';
import { MemberPage, NewKeyPage, PeoplePage } from './pages/people.js';
import { ProjectPage, ProjectsPage } from './pages/projects.js';
import { rangeOrPage } from './page-routes.js';
import type { ResolvedRange } from './ranges.js';

export interface PeopleRoutesOptions {
  database: () => Promise<Database>;
  now: () => Date;
  domains: DomainLookup;
  onPeopleChange?: (() => Promise<void> | void) | undefined;
}

export function createPeopleRoutes(options: PeopleRoutesOptions): Hono<DashboardEnv> {
  const pages = new Hono<DashboardEnv>();
  const range = (c: Context<DashboardEnv>): Promise<ResolvedRange | Response> => rangeOrPage(c, options.now(), { range: '30d' });
  const peoplePage = async (c: Context<DashboardEnv>, error?: string): Promise<Response> => {
    const resolved = await range(c);
    if (resolved instanceof Response) return resolved;
    const view = await loadPeople(await options.database(), resolved, options.now());
    return renderPage(c, PeoplePage({ page: c.var.page, range: resolved, view, now: options.now(), ...(error === undefined ? {} : { error }) }), error === undefined ? 200 : 400);
  };
  /** Runs a form's change: back to People on success, the page with the refusal otherwise. */
  const change = async (c: Context<DashboardEnv>, work: (db: Database, form: Record<string, string>) => Promise<Response | undefined>): Promise<Response> => {
    const body = await c.req.parseBody();
    const form = Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    try {
      const answer = await work(await options.database(), form);
      await options.onPeopleChange?.();
      return answer ?? c.redirect('/people', 303);
    } catch (error) {
      if (error instanceof PeopleError) return peoplePage(c, error.message);
      throw error;
    }
  };

  pages.get('/people', (c) => peoplePage(c));
  pages.post('/people/members', (c) =>
    change(c, async (db, form) => {
      await addMember(db, { email: form.email ?? '', name: form.name, teams: (form.teams ?? '').split(',').map((team) => team.trim()).filter((team) => team !== '') });
      return undefined;
    }),
  );
  pages.post('/people/keys', (c) =>
    change(c, async (db, form) => {
      const expires = form.expires === undefined || form.expires === '' ? undefined : lastDay(form.expires);
      const models = form.models?.trim() === '' || form.models === undefined ? undefined : form.models.split(',');
      const { key, record } = await createKey(db, { domain: form.domain ?? '', memberEmail: form.member ?? '', label: form.label, expiresAt: expires, allowedModels: models }, options.domains);
      return renderPage(c, NewKeyPage({ page: c.var.page, key, record }));
    }),
  );
  pages.post('/people/keys/:id/revoke', (c) =>
    change(c, async (db) => {
      await revokeKey(db, c.req.param('id'));
      return undefined;
    }),
  );
  pages.post('/people/fingerprints', (c) =>
    change(c, async (db, form) => {
      await linkFingerprint(db, form.fingerprint ?? '', form.member ?? '');
      return undefined;
    }),
  );
  pages.get('/people/:id', async (c) => {
    const resolved = await range(c);
    if (resolved instanceof Response) return resolved;
    const view = await loadMember(await options.database(), c.req.param('id'), resolved);
    if (view === null) return renderPage(c, MessagePage({ page: c.var.page, title: 'Member not found', message: 'There is no such member.', section: 'people' }), 404);
    return renderPage(c, MemberPage({ page: c.var.page, range: resolved, view, now: options.now() }));
  });
  pages.get('/projects', async (c) => {
    const resolved = await range(c);
    if (resolved instanceof Response) return resolved;
    return renderPage(c, ProjectsPage({ page: c.var.page, range: resolved, projects: await loadProjects(await options.database(), resolved) }));
  });
  pages.get('/projects/:name', async (c) => {
    const resolved = await range(c);
    if (resolved instanceof Response) return resolved;
    return renderPage(c, ProjectPage({ page: c.var.page, range: resolved, view: await loadProject(await options.database(), c.req.param('name'), resolved) }));
  });
  return pages;
}

/** A date input's `YYYY-MM-DD`: the key works through that day (UTC). */
function lastDay(text: string): Date {
  const expiry = expiryAfterLastDay(text);
  if (expiry === null) throw new PeopleError('invalid', `"${text}" is not a date (YYYY-MM-DD)`);
  return expiry;
}
