/**
 * Member keys through real proxies on one PostgreSQL: attribution per person and key, revocation
 * reaching a second instance, expiry, a key's model list, and sessions nobody else can write into.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createKey, linkFingerprint, listFingerprints, revokeKey, type DomainLookup } from '../../src/people/index.js';
import { costOf, picoToUsdString } from '../../src/pricing/index.js';
import { usageTotals, type Database } from '../../src/storage/index.js';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { send, type ApiErrorBody } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { waitUntil } from '../support/wait-until.js';

const DOMAIN = '127.0.0.1';
const DOMAIN_KEY = 'cnk_domain_key_for_member_tests_0123456789';
const DOMAINS: DomainLookup = (text) => ({ domain: text });
const MODEL = 'claude-sonnet-4-5';

let pg: TestDatabase;
let a: Harness;
let b: Harness;
let db: Database;
const keys: Record<string, string> = {};

function ask(h: Harness, key: string, options: { model?: string; headers?: Record<string, string>; body?: string } = {}) {
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': key, ...options.headers },
    body: options.body ?? JSON.stringify({ model: options.model ?? MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }),
  });
}

beforeAll(async () => {
  pg = await createPostgresDatabase();
  a = await startHarness({ databaseUrl: pg.url });
  b = await startHarness({ databaseUrl: pg.url });
  for (const h of [a, b]) await h.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: DOMAIN_KEY });
  db = await a.database();
  await addMember(db, { email: 'ana@example.com', teams: ['platform'] });
  await addMember(db, { email: 'bo@example.com' });
  for (const [name, email, extra] of [
    ['ana', 'ana@example.com', {}],
    ['bo', 'bo@example.com', {}],
    ['haikuOnly', 'bo@example.com', { allowedModels: ['claude-haiku-4-5'] }],
    ['gateway', 'bo@example.com', { gateway: true }],
  ] as const) {
    keys[name] = (await createKey(db, { domain: DOMAIN, memberEmail: email, ...extra }, DOMAINS)).key;
  }
  await Promise.all([a.memberKeys?.refresh(), b.memberKeys?.refresh()]);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await (await b.database()).close();
  await db.close();
  await pg.drop();
});

describe('member keys through the proxy', () => {
  it("attributes each request to its member and key; each member's cost is what the upstream billed them", async () => {
    for (const key of [keys.ana, keys.ana, keys.bo, DOMAIN_KEY]) expect((await ask(a, key ?? '')).status).toBe(200);
    await a.flushUsage();
    const rows = await db.query<{ email: string | null; client_key_id: string | null; teams: string[] | null }>(
      'SELECT r.client_key_id, r.teams, m.email FROM requests r LEFT JOIN members m ON m.id = r.member_id ORDER BY r.started_at',
    );
    expect(rows.map((row) => row.email)).toEqual(['ana@example.com', 'ana@example.com', 'bo@example.com', null]);
    expect(rows[0]?.client_key_id).toMatch(/^key_/);
    expect(rows[0]?.teams).toEqual(['platform']);
    // The domain key: no member, a salted fingerprint (never the key).
    expect(rows[3]?.client_key_id).toMatch(/^ck_[0-9a-f]{16}$/);
    expect(JSON.stringify(await db.query('SELECT * FROM requests'))).not.toContain(DOMAIN_KEY);

    const billed = costOf(MODEL, { inputTokens: 42, outputTokens: 12, cacheWriteTokens: 1500, cacheWrite5mTokens: 500, cacheWrite1hTokens: 1000, cacheReadTokens: 20000, serverToolUse: {}, serviceTier: 'standard', inferenceGeo: null }, new Date());
    expect(billed).not.toBeNull();
    const one = Number(picoToUsdString(billed?.picoUsd ?? 0n));
    expect(Number((await usageTotals(db, { member: 'ANA@example.com' })).costUsd)).toBeCloseTo(2 * one, 12);
    expect(Number((await usageTotals(db, { member: 'bo@example.com' })).costUsd)).toBeCloseTo(one, 12);
    expect((await usageTotals(db, { team: 'platform' })).requests).toBe(2);
  });

  it('refuses a revoked key on a second instance within 5 seconds, in the API error shape', async () => {
    const key = (await createKey(db, { domain: DOMAIN, memberEmail: 'ana@example.com', label: 'to revoke' }, DOMAINS)).key;
    // A key created a moment ago works at once on an instance that has not polled since.
    expect((await ask(b, key)).status).toBe(200);
    const revoked = await revokeKey(db, key.slice(0, 12));
    const started = Date.now();
    const refused = await waitUntil(async () => {
      const answer = await ask(b, key);
      return answer.status === 401 ? answer : undefined;
    }, 'the second instance to refuse the revoked key', { timeoutMs: 5000, intervalMs: 100 });
    expect(Date.now() - started).toBeLessThan(5000);
    const body = refused.json<ApiErrorBody>();
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toContain('revoked');
    expect(body.error.message).toContain(revoked.id);
    expect(refused.text).not.toContain(key);
  });

  it('refuses an expired key at once, saying so', async () => {
    const { key, record } = await createKey(db, { domain: DOMAIN, memberEmail: 'bo@example.com', expiresAt: new Date(Date.now() + 1500) }, DOMAINS);
    expect((await ask(a, key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const refused = await ask(a, key);
    expect(refused.status).toBe(401);
    expect(refused.json<ApiErrorBody>().error.message).toContain(`This key (${record.id}) expired on`);
  });

  it("refuses a model outside the key's list before the upstream processes it, naming both", async () => {
    const before = a.fake.received.length;
    const refused = await ask(a, keys.haikuOnly ?? '', { model: 'claude-opus-4-5' });
    expect(refused.status).toBe(400);
    expect(refused.json<ApiErrorBody>().error).toEqual({
      type: 'invalid_request_error',
      message: 'This key may not use the model "claude-opus-4-5". Allowed models: claude-haiku-4-5.',
    });
    // Hiding the real model behind a nested or an earlier "model" does not help.
    const sneaky = JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x', model: 'claude-haiku-4-5' }] }], max_tokens: 5, model: 'claude-opus-4-5' });
    expect((await ask(a, keys.haikuOnly ?? '', { body: sneaky })).status).toBe(400);
    const twice = '{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{"role":"user","content":"x"}],"model":"claude-opus-4-5"}';
    expect((await ask(a, keys.haikuOnly ?? '', { body: twice })).status).toBe(400);
    expect(a.fake.received.length).toBe(before);
    expect((await ask(a, keys.haikuOnly ?? '', { model: 'claude-haiku-4-5' })).status).toBe(200);
  });

  it('refuses a wrong key without keeping any trace of it', async () => {
    const wrong = 'nxk_' + 'A'.repeat(40);
    const refused = await ask(a, wrong);
    expect(refused.status).toBe(401);
    expect(refused.json<ApiErrorBody>().error.message).toBe(`Invalid client key for ${DOMAIN}.`);
    await a.flushUsage();
    const [row] = await db.query('SELECT client_key_id, member_id FROM requests WHERE status = 401 ORDER BY started_at DESC LIMIT 1');
    expect(row).toEqual({ client_key_id: null, member_id: null });
  });

  it("keeps one person's session apart from another's who sends the same session id", async () => {
    const session = { 'x-claude-code-session-id': '5b1f6a55-0000-4000-8000-000000000001' };
    expect((await ask(a, keys.ana ?? '', { headers: session })).status).toBe(200);
    expect((await ask(b, keys.bo ?? '', { headers: session })).status).toBe(200);
    await a.flushUsage();
    await b.flushUsage();
    const sessions = await db.query<{ member_id: string }>(
      "SELECT conversation_id, member_id FROM usage_sessions WHERE session_id = '5b1f6a55-0000-4000-8000-000000000001'",
    );
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((s) => s.member_id)).size).toBe(2);
  });

  it("gives a subagent's requests their session's project and branch; an x-nexus-project header wins", async () => {
    const session = { 'x-claude-code-session-id': '5b1f6a55-0000-4000-8000-0000000000aa' };
    const environment = JSON.stringify({
      model: MODEL,
      max_tokens: 16,
      messages: [
        { role: 'user', content: [{ type: 'text', text: '<system-reminder>\n# gitStatus\nCurrent branch: feature/ledger\n</system-reminder>' }, { type: 'text', text: 'hi' }] },
        { role: 'system', content: [{ type: 'text', text: '# Environment\n - Primary working directory: /home/ana/src/ledger-service\n - Is a git repository: true' }] },
      ],
    });
    expect((await ask(a, keys.ana ?? '', { headers: session, body: environment })).status).toBe(200);
    expect((await ask(a, keys.ana ?? '', { headers: { ...session, 'x-claude-code-agent-id': 'agent-1' } })).status).toBe(200);
    // Another instance has not seen the session: the database gives it the session's project.
    await a.flushUsage();
    expect((await ask(b, keys.ana ?? '', { headers: { ...session, 'x-claude-code-agent-id': 'agent-2' } })).status).toBe(200);
    expect((await ask(a, keys.ana ?? '', { headers: { 'x-nexus-project': 'website' }, body: environment })).status).toBe(200);
    await a.flushUsage();
    await b.flushUsage();
    const rows = await db.query<{ agent_id: string | null; project: string | null; branch: string | null }>(
      "SELECT agent_id, project, branch FROM requests WHERE project IN ('ledger-service', 'website') ORDER BY started_at",
    );
    expect(rows).toEqual([
      { agent_id: null, project: 'ledger-service', branch: 'feature/ledger' },
      { agent_id: 'agent-1', project: 'ledger-service', branch: 'feature/ledger' },
      { agent_id: 'agent-2', project: 'ledger-service', branch: 'feature/ledger' },
      { agent_id: null, project: 'website', branch: 'feature/ledger' },
    ]);
    expect((await usageTotals(db, { project: 'ledger-service' })).requests).toBe(3);
  });

  it('attributes a gateway key\'s requests to the member its identity header names, and ignores that header from any other key', async () => {
    const asAna = { 'x-claude-gateway-user-email': 'ANA@example.com' };
    expect((await ask(a, keys.gateway ?? '', { headers: { ...asAna, 'x-nexus-project': 'gw-1' } })).status).toBe(200);
    // Not a member, and members are not created: the gateway key's own member (bo).
    expect((await ask(a, keys.gateway ?? '', { headers: { 'x-claude-gateway-user-email': 'zed@example.com', 'x-nexus-project': 'gw-2' } })).status).toBe(200);
    // LiteLLM's header, when it is an email.
    expect((await ask(a, keys.gateway ?? '', { headers: { 'x-litellm-end-user-id': 'ana@example.com', 'x-nexus-project': 'gw-3' } })).status).toBe(200);
    // Bo's ordinary key cannot spend as Ana.
    expect((await ask(a, keys.bo ?? '', { headers: { ...asAna, 'x-nexus-project': 'gw-4' } })).status).toBe(200);
    await a.flushUsage();
    const rows = await db.query<{ project: string; email: string }>(
      "SELECT r.project, m.email FROM requests r JOIN members m ON m.id = r.member_id WHERE r.project LIKE 'gw-%' ORDER BY r.project",
    );
    expect(rows.map((row) => [row.project, row.email])).toEqual([
      ['gw-1', 'ana@example.com'],
      ['gw-2', 'bo@example.com'],
      ['gw-3', 'ana@example.com'],
      ['gw-4', 'bo@example.com'],
    ]);
  });

  it('creates the member a gateway names for the first time when GATEWAY_CREATE_MEMBERS is on', async () => {
    const c = await startHarness({ databaseUrl: pg.url, env: { GATEWAY_CREATE_MEMBERS: 'on' } });
    try {
      await c.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: DOMAIN_KEY });
      for (const project of ['gw-new-1', 'gw-new-2']) {
        expect((await ask(c, keys.gateway ?? '', { headers: { 'x-claude-gateway-user-email': 'new.person@example.com', 'x-nexus-project': project } })).status).toBe(200);
      }
      await c.flushUsage();
      const rows = await db.query("SELECT m.email FROM requests r JOIN members m ON m.id = r.member_id WHERE r.project LIKE 'gw-new-%'");
      expect(rows).toEqual([{ email: 'new.person@example.com' }, { email: 'new.person@example.com' }]);
    } finally {
      await c.close();
      await (await c.database()).close();
    }
  });

  it('links a passthrough fingerprint to a member: their earlier and later requests become theirs', async () => {
    const passthrough = `http://localhost:${String(a.port)}`;
    const own = { host: `localhost:${String(a.port)}` };
    for (let i = 0; i < 3; i += 1) {
      const answer = await send(passthrough, {
        method: 'POST',
        path: '/v1/messages',
        headers: { ...own, 'content-type': 'application/json', 'x-api-key': DEFAULT_API_KEY },
        body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'mine' }] }),
      });
      expect(answer.status).toBe(200);
    }
    await a.flushUsage();
    const [seen] = (await listFingerprints(db)).filter((f) => f.memberEmail === null);
    expect(seen?.fingerprint).toMatch(/^key_[0-9a-f]{16}$/);
    expect(seen?.requests).toBe(3);
    const before = await usageTotals(db, { member: 'bo@example.com' });
    const linked = await linkFingerprint(db, seen?.fingerprint ?? '', 'bo@example.com');
    expect(linked.movedRequests).toBe(3);
    const after = await usageTotals(db, { member: 'bo@example.com' });
    expect(after.requests - before.requests).toBe(3);
    await send(passthrough, {
      method: 'POST',
      path: '/v1/messages',
      headers: { ...own, 'content-type': 'application/json', 'x-api-key': DEFAULT_API_KEY },
      body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'later' }] }),
    });
    await a.flushUsage();
    expect((await usageTotals(db, { member: 'bo@example.com' })).requests - before.requests).toBe(4);
    expect((await listFingerprints(db)).find((f) => f.fingerprint === seen?.fingerprint)?.memberEmail).toBe('bo@example.com');
    // The people roll-up still equals the raw rows, per member, after the move.
    const [rolled, raw] = await Promise.all([
      db.query("SELECT member_id, sum(requests)::int AS n, sum(cost_usd)::text AS cost FROM usage_people_hourly GROUP BY 1 ORDER BY 1"),
      db.query("SELECT coalesce(member_id, '') AS member_id, count(*)::int AS n, coalesce(sum(cost_usd), 0)::text AS cost FROM requests GROUP BY 1 ORDER BY 1"),
    ]);
    expect(rolled.map((row) => [row.member_id, row.n, Number(row.cost)])).toEqual(raw.map((row) => [row.member_id, row.n, Number(row.cost)]));
  });
});
