/** Managed domains: the Host picks a credentials file, clients present the domain's key, the real one goes upstream. */
import { unlink } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { send, type ApiErrorBody } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const CLIENT_KEY = 'cnp_team_client_key_123456';
const SECOND_REAL_KEY = 'sk-ant-api03-second-real-key';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ fake: { apiKeys: [DEFAULT_API_KEY, SECOND_REAL_KEY] } });
  await h.writeCredentials('team.example.com', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY, accountId: 'team' });
});
afterEach(async () => {
  await h.close();
});

function post(host: string, headers: Record<string, string> = {}) {
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages',
    headers: { host, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: '{"model":"claude-opus-5-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
  });
}

describe('managed api_key domain', () => {
  it.each([
    ['x-api-key', { 'x-api-key': CLIENT_KEY }],
    ['Authorization: Bearer', { authorization: `Bearer ${CLIENT_KEY}` }],
  ])('accepts the client key as %s and sends only the real key upstream', async (_form, headers) => {
    const res = await post('team.example.com', headers);
    expect(res.status).toBe(200);
    const received = h.fake.received[0];
    expect(received?.headers['x-api-key']).toBe(DEFAULT_API_KEY);
    expect(received?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(received?.rawHeaders)).not.toContain(CLIENT_KEY);
  });

  it('matches the Host case-insensitively, with its port first and then without', async () => {
    expect((await post('TEAM.Example.COM:3000', { 'x-api-key': CLIENT_KEY })).status).toBe(200);
    expect(h.fake.received[0]?.headers['x-api-key']).toBe(DEFAULT_API_KEY);

    await h.writeCredentials('team.example.com:3000', { type: 'api_key', api_key: SECOND_REAL_KEY, client_api_key: CLIENT_KEY });
    expect((await post('team.example.com:3000', { 'x-api-key': CLIENT_KEY })).status).toBe(200);
    expect(h.fake.received[1]?.headers['x-api-key']).toBe(SECOND_REAL_KEY);
  });

  it.each([
    ['a wrong key', { 'x-api-key': 'cnp_wrong' }, /Invalid client key for team\.example\.com/],
    ['no key', {}, /Missing client key/],
    ['the real upstream key', { 'x-api-key': DEFAULT_API_KEY }, /Invalid client key/],
  ])('refuses %s with a 401 in the API shape, without contacting the upstream', async (_what, headers, message) => {
    const res = await post('team.example.com', headers);
    expect(res.status).toBe(401);
    const body = res.json<ApiErrorBody>();
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toMatch(message);
    expect(res.text).not.toContain(DEFAULT_API_KEY);
    expect(h.fake.received).toHaveLength(0);
  });

  it('refuses every client of a domain whose file has no client_api_key, and says so', async () => {
    await h.writeCredentials('open.example.com', { type: 'api_key', api_key: DEFAULT_API_KEY });
    const res = await post('open.example.com', { 'x-api-key': 'anything' });
    expect(res.status).toBe(401);
    expect(res.json<ApiErrorBody>().error.message).toMatch(/has no client_api_key.*nexus credentials generate-client-key /);
    expect(h.fake.received).toHaveLength(0);
  });

  it('picks up edits and removals on disk without a restart', async () => {
    expect((await post('team.example.com', { 'x-api-key': CLIENT_KEY })).status).toBe(200);
    await h.writeCredentials('team.example.com', { type: 'api_key', api_key: SECOND_REAL_KEY, client_api_key: 'cnp_rotated_client_key' });
    expect((await post('team.example.com', { 'x-api-key': CLIENT_KEY })).status).toBe(401);
    expect((await post('team.example.com', { 'x-api-key': 'cnp_rotated_client_key' })).status).toBe(200);
    expect(h.fake.received.at(-1)?.headers['x-api-key']).toBe(SECOND_REAL_KEY);

    await unlink(`${h.credentialsDir}/team.example.com.credentials.json`);
    // No file any more: passthrough, so the client's own key is what goes upstream.
    await post('team.example.com', { 'x-api-key': 'cnp_rotated_client_key' });
    expect(h.fake.received.at(-1)?.headers['x-api-key']).toBe('cnp_rotated_client_key');
  });

  it.each([
    ['not JSON', '{"type":"api_key","api_key":"sk-ant-api03-leaky-secret-in-broken-json"', /is not valid JSON/],
    ['an unknown shape', { kind: 'mystery', secret: 'sk-ant-api03-leaky-secret-in-odd-shape' }, /unknown shape/],
    ['a bad expiry', { type: 'oauth', oauth: { accessToken: 'sk-ant-oat01-leaky', expiresAt: 'next tuesday' } }, /expiresAt/],
  ])('answers a file that is %s with a clear 401 that quotes nothing from it, while other domains keep working', async (_what, content, message) => {
    await h.writeCredentials('broken.example.com', content);
    const res = await post('broken.example.com', { 'x-api-key': CLIENT_KEY });
    expect(res.status).toBe(401);
    const body = res.json<ApiErrorBody>();
    expect(body.error.type).toBe('authentication_error');
    expect(body.error.message).toMatch(message);
    expect(body.error.message).toContain('broken.example.com.credentials.json');
    expect(res.text).not.toMatch(/leaky/);
    expect(h.logs()).not.toMatch(/leaky/);
    expect((await post('team.example.com', { 'x-api-key': CLIENT_KEY })).status).toBe(200);
  });
});

describe('passthrough', () => {
  it('forwards the client credential of an unknown host unchanged', async () => {
    const res = await post('localhost', { authorization: `Bearer ${DEFAULT_API_KEY}` });
    expect(res.status).toBe(200);
    expect(h.fake.received[0]?.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
    expect(h.fake.received[0]?.headers['x-api-key']).toBeUndefined();
  });

  it('lets the upstream refuse a bad client credential, its 401 reaching the client unmodified', async () => {
    const res = await post('localhost', { 'x-api-key': 'sk-ant-api03-not-valid' });
    expect(res.status).toBe(401);
    expect(res.headers['request-id']).toMatch(/^req_/);
    expect(res.headers['request-id']).not.toMatch(/^req_nexus/);
  });

  it('is refused with a 401 for unknown hosts when PASSTHROUGH=off', async () => {
    const strict = await startHarness({ env: { PASSTHROUGH: 'off' } });
    try {
      const res = await send(strict.url, { method: 'POST', path: '/v1/messages', headers: { host: 'unknown.example.com', 'x-api-key': DEFAULT_API_KEY }, body: '{}' });
      expect(res.status).toBe(401);
      expect(res.json<ApiErrorBody>().error.message).toMatch(/No credentials are configured for unknown\.example\.com and passthrough is off/);
      expect(strict.fake.received).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });
});

describe('secrets', () => {
  it('never logs keys, client keys or Authorization values', async () => {
    await post('team.example.com', { 'x-api-key': CLIENT_KEY });
    await post('team.example.com', { authorization: `Bearer ${CLIENT_KEY}` });
    await post('localhost', { 'x-api-key': DEFAULT_API_KEY });
    await post('team.example.com', { 'x-api-key': 'cnp_wrong_guess' });
    const logs = h.logs();
    expect(logs).toContain('"path":"/v1/messages"');
    for (const secret of [CLIENT_KEY, DEFAULT_API_KEY, 'cnp_wrong_guess']) expect(logs).not.toContain(secret);
  });
});
