/**
 * The people JSON API under /api/people (admin key or session): members and their keys, as
 * `nexus members` and `nexus keys` use it through a dashboard. A new key is in the answer to its
 * creation and nowhere else. Refusals are the API's error shape: 400, 404 or 409 with one sentence.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import {
  addMember,
  createKey,
  linkFingerprint,
  listFingerprints,
  listKeys,
  listMembers,
  PeopleError,
  removeMember,
  revokeKey,
  type DomainLookup,
} from '../people/index.js';
import type { Database } from '../storage/index.js';
import { parse, parseBody } from './parse-request.js';

const memberBody = z.object({
  email: z.string().min(1).max(320),
  name: z.string().max(200).optional(),
  teams: z.array(z.string()).max(50).optional(),
});

const keyBody = z.object({
  domain: z.string().min(1).max(260),
  memberEmail: z.string().min(1).max(320),
  label: z.string().max(200).optional(),
  expiresAt: z.iso.datetime().transform((value) => new Date(value)).optional(),
  allowedModels: z.array(z.string()).max(100).optional(),
  gateway: z.boolean().optional(),
});

const keysQuery = z.object({ member: z.string().min(1).max(320).optional() });

const linkBody = z.object({ fingerprint: z.string().min(1).max(200), memberEmail: z.string().min(1).max(320) });

const STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;
const TYPE = { invalid: 'invalid_request_error', not_found: 'not_found_error', conflict: 'invalid_request_error' } as const;

export interface PeopleApiDeps {
  database: () => Promise<Database>;
  /** Which domains the proxy manages (credentials files), for new keys. */
  domains: DomainLookup;
  /** Told after a change, so this process's proxy sees it at once (others poll). */
  onChange?: () => Promise<void> | void;
}

export function createPeopleApi(deps: PeopleApiDeps): Hono {
  const api = new Hono();
  /** Waits for this process's proxy to have seen the change (a revoked key is refused once this answers). */
  const changed = async <T>(value: T): Promise<T> => {
    await deps.onChange?.();
    return value;
  };
  api.get('/people/members', async (c) => c.json({ members: await listMembers(await deps.database()) }));
  api.post('/people/members', async (c) => {
    const body = await parseBody(c, memberBody);
    if (body instanceof Response) return body;
    return answer(c, async () => c.json({ member: await changed(await addMember(await deps.database(), body)) }, 201));
  });
  api.delete('/people/members/:email', async (c) =>
    answer(c, async () => c.json(await changed(await removeMember(await deps.database(), c.req.param('email'))))),
  );
  api.get('/people/keys', async (c) => {
    const query = parse(c, keysQuery);
    if (query instanceof Response) return query;
    return answer(c, async () => c.json({ keys: await listKeys(await deps.database(), { memberEmail: query.member }) }));
  });
  api.post('/people/keys', async (c) => {
    const body = await parseBody(c, keyBody);
    if (body instanceof Response) return body;
    return answer(c, async () => {
      const created = await createKey(await deps.database(), body, deps.domains);
      // The key itself: this answer only, never cached by anyone on the way.
      c.header('cache-control', 'no-store');
      return c.json(await changed(created), 201);
    });
  });
  api.post('/people/keys/:id/revoke', async (c) =>
    answer(c, async () => c.json({ key: await changed(await revokeKey(await deps.database(), c.req.param('id'))) })),
  );
  api.get('/people/fingerprints', async (c) => c.json({ fingerprints: await listFingerprints(await deps.database()) }));
  api.post('/people/fingerprints', async (c) => {
    const body = await parseBody(c, linkBody);
    if (body instanceof Response) return body;
    return answer(c, async () => c.json(await changed(await linkFingerprint(await deps.database(), body.fingerprint, body.memberEmail))));
  });
  return api;
}

async function answer(c: Context, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PeopleError)) throw error;
    return c.json({ type: 'error', error: { type: TYPE[error.code], message: error.message } }, STATUS[error.code]);
  }
}
