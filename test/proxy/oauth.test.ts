/** Managed OAuth domains: the OAuth beta, refresh ahead of expiry and after a 401, single-flight, atomic rotation. */
import { readFile, stat } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { send, type ApiErrorBody, type RawResponse } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const CLIENT_KEY = 'cnp_oauth_client_key_abcdef';
const ACCESS = 'sk-ant-oat01-initial-access-token';
const REFRESH = 'sk-ant-ort01-initial-refresh-token';
const HOUR = 3_600_000;
const CLAUDE_CODE_UA = 'claude-cli/2.1.330 (external, cli)';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ fake: { oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }], tokenEndpointDelayMs: 50 } });
});
afterEach(async () => {
  await h.close();
});

const body = '{"model":"claude-opus-5-5","max_tokens":5,"messages":[{"role":"user","content":"replay me ✓"}]}';

function post(extraHeaders: Record<string, string> = {}): Promise<RawResponse> {
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages?beta=true',
    headers: {
      host: 'me.example.com',
      'user-agent': CLAUDE_CODE_UA,
      'x-api-key': CLIENT_KEY,
      'anthropic-beta': 'claude-code-20250219',
      ...extraHeaders,
    },
    body,
  });
}

async function readJson(path: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>;
}

describe('managed OAuth domain', () => {
  it('sends the access token with the OAuth beta added to the client’s betas', async () => {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() + 8 * HOUR).toISOString() },
      client_api_key: CLIENT_KEY,
    });
    const res = await post();
    expect(res.status).toBe(200);
    const received = h.fake.received[0];
    expect(received?.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(received?.headers['anthropic-beta']).toBe('claude-code-20250219,oauth-2025-04-20');
    expect(received?.headers['x-api-key']).toBeUndefined();
    expect(res.headers['anthropic-ratelimit-unified-5h-utilization']).toBeDefined();
    expect(h.fake.tokenRequests).toHaveLength(0);
  });

  it('refreshes an expired token exactly once for 100 concurrent requests and persists the rotated pair first', async () => {
    const path = await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() - HOUR).toISOString() },
      client_api_key: CLIENT_KEY,
      accountId: 'me',
    });
    h.fake.expireAccessToken(ACCESS);
    const responses = await Promise.all(Array.from({ length: 100 }, () => post()));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200));
    expect(h.fake.tokenRequests).toHaveLength(1);
    expect(h.fake.tokenRequests[0]?.body.toString()).toContain('"grant_type":"refresh_token"');

    const [current] = h.fake.currentOAuth();
    const file = await readJson(path);
    expect(file.oauth).toMatchObject({ accessToken: current?.accessToken, refreshToken: current?.refreshToken });
    expect(typeof file.oauth?.expiresAt).toBe('string');
    expect(Date.parse(String(file.oauth?.expiresAt))).toBeGreaterThan(Date.now() + 7 * HOUR);
    expect(file).toMatchObject({ type: 'oauth', client_api_key: CLIENT_KEY, accountId: 'me' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(new Set(h.fake.received.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${current?.accessToken}`]));
  });

  it('keeps Claude Code’s own file shape (epoch ms, extra fields) when it rotates tokens', async () => {
    const path = await h.writeCredentials('me.example.com', {
      claudeAiOauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() - HOUR, scopes: ['user:inference'], subscriptionType: 'max' },
      client_api_key: CLIENT_KEY,
    });
    expect((await post()).status).toBe(200);
    const file = await readJson(path);
    const [current] = h.fake.currentOAuth();
    expect(file.claudeAiOauth).toMatchObject({ accessToken: current?.accessToken, scopes: ['user:inference'], subscriptionType: 'max' });
    expect(typeof file.claudeAiOauth?.expiresAt).toBe('number');
  });

  it('refreshes once after an upstream 401 and replays the identical request', async () => {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + 8 * HOUR },
      client_api_key: CLIENT_KEY,
    });
    h.fake.expireAccessToken(ACCESS);
    const res = await post();
    expect(res.status).toBe(200);
    expect(h.fake.tokenRequests).toHaveLength(1);
    expect(h.fake.received).toHaveLength(2);
    const [refused, replayed] = h.fake.received;
    expect(refused?.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(replayed?.headers.authorization).toBe(`Bearer ${h.fake.currentOAuth()[0]?.accessToken}`);
    expect(replayed?.body.equals(Buffer.from(body))).toBe(true);
    expect(replayed?.url).toBe('/v1/messages?beta=true');
  });

  it('answers a failed refresh with a 401 that says how to fix it and holds no token', async () => {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: 'sk-ant-ort01-already-used-token', expiresAt: Date.now() - HOUR },
      client_api_key: CLIENT_KEY,
    });
    const res = await post();
    expect(res.status).toBe(401);
    const error = res.json<ApiErrorBody>().error;
    expect(error.type).toBe('authentication_error');
    expect(error.message).toMatch(/Refreshing the OAuth token for me\.example\.com failed: .*invalid_grant/);
    expect(error.message).toMatch(/Log in again/);
    expect(res.text).not.toMatch(/sk-ant-o/);
    expect(h.logs()).not.toMatch(/sk-ant-o[ar]t01-(already|initial)/);
    expect(h.fake.received).toHaveLength(0);
  });

  it('tells the client to log in again when an expired token has no refresh token', async () => {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, expiresAt: Date.now() - HOUR },
      client_api_key: CLIENT_KEY,
    });
    const res = await post();
    expect(res.status).toBe(401);
    expect(res.json<ApiErrorBody>().error.message).toMatch(/has expired and its credentials file has no refresh token/);
  });

  it('refuses clients other than Claude Code with a 403 that explains why', async () => {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + 8 * HOUR },
      client_api_key: CLIENT_KEY,
    });
    for (const agent of ['Anthropic/JS 1.12.0', 'curl/8.5.0']) {
      const res = await post({ 'user-agent': agent });
      expect(res.status).toBe(403);
      expect(res.json<ApiErrorBody>().error).toMatchObject({ type: 'permission_error', message: expect.stringMatching(/only for Claude Code/) as string });
    }
    expect(h.fake.received).toHaveLength(0);
  });

  it('passes the upstream 401 through when a refreshed token is refused too', async () => {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: 'sk-ant-oat01-unknown-to-upstream', refreshToken: REFRESH, expiresAt: Date.now() + 8 * HOUR },
      client_api_key: CLIENT_KEY,
    });
    // The fake refuses the unknown token; the refresh works; the replay succeeds with the new one.
    expect((await post()).status).toBe(200);
    // Now make every token fail: a scripted 401 for the next two answers.
    h.fake.next(
      { kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'revoked' } } },
      { kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'revoked again' } } },
    );
    const res = await post();
    expect(res.status).toBe(401);
    expect(res.json<ApiErrorBody>().error.message).toMatch(/revoked/);
  });
});
