// The fake's wire behaviour below the SDK: OAuth rotation, scripted responses, aborts, gzip, routing.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, type FakeAnthropic, type FakeAnthropicOptions, formatSse, messageStreamEvents, OAUTH_BETA, startFakeAnthropic } from './index.js';

const ACCESS = 'sk-ant-oat01-test-access';
const REFRESH = 'sk-ant-ort01-test-refresh';
const CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';
const MESSAGE = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

const fakes: FakeAnthropic[] = [];
async function start(options?: FakeAnthropicOptions): Promise<FakeAnthropic> {
  const fake = await startFakeAnthropic(options);
  fakes.push(fake);
  return fake;
}
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

interface RawReply { status: number; headers: IncomingHttpHeaders; chunks: Buffer[]; body: Buffer }

/** node:http rather than fetch: shows compressed bytes and chunk boundaries as sent. */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, body: Buffer.concat(chunks) }); });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('raw request timed out')));
    req.on('error', reject);
    req.end(init.body);
  });
}

const refresh = (fake: FakeAnthropic, token: string): Promise<Response> =>
  fetch(`${fake.url}/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: token, client_id: CLIENT_ID }),
    signal: AbortSignal.timeout(5000),
  });

const postMessage = (fake: FakeAnthropic, headers: Record<string, string>): Promise<Response> =>
  fetch(`${fake.url}/v1/messages`, { method: 'POST', headers, body: MESSAGE, signal: AbortSignal.timeout(5000) });

describe('OAuth token endpoint', () => {
  it('rotates: the new pair works, the used refresh token is rejected', async () => {
    const fake = await start({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }], accessTokenTtlSeconds: 60 });
    const first = await refresh(fake, REFRESH);
    expect(first.status).toBe(200);
    const pair = (await first.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
    expect(pair).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: 'user:inference user:profile' });
    expect(pair.access_token).toMatch(/^sk-ant-oat01-/);
    expect(fake.currentOAuth()).toEqual([{ accessToken: pair.access_token, refreshToken: pair.refresh_token }]);

    const ok = await postMessage(fake, { authorization: `Bearer ${pair.access_token}`, 'anthropic-beta': OAUTH_BETA });
    expect(ok.status).toBe(200);
    const reused = await refresh(fake, REFRESH);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: 'Refresh token not found or invalid' });
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.received).toHaveLength(1);
  });

  it('rejects an expired access token with 401 while its refresh token still works', async () => {
    const fake = await start({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] });
    fake.expireAccessToken(ACCESS);
    const denied = await postMessage(fake, { authorization: `Bearer ${ACCESS}`, 'anthropic-beta': OAUTH_BETA });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: { type: 'authentication_error' } });
    expect((await refresh(fake, REFRESH)).status).toBe(200);
  });

  it('answers only after tokenEndpointDelayMs', async () => {
    const fake = await start({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }], tokenEndpointDelayMs: 200 });
    const started = performance.now();
    expect((await refresh(fake, REFRESH)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });
});

describe('scripted responses', () => {
  it('play FIFO, bypass auth, then fall back to the default routes', async () => {
    const fake = await start();
    fake.next(
      { kind: 'json', status: 418, headers: { 'X-Teapot': 'yes' }, body: { short: 'stout' } },
      { kind: 'raw', status: 200, headers: { 'content-type': 'text/plain' }, body: 'exact bytes' },
    );
    const teapot = await raw(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE });
    expect(teapot.status).toBe(418);
    expect(teapot.headers['x-teapot']).toBe('yes');
    expect(teapot.headers['request-id']).toMatch(/^req_/);
    expect(JSON.parse(teapot.body.toString())).toEqual({ short: 'stout' });
    const exact = await raw(`${fake.url}/v1/anything`, { method: 'PUT' });
    expect(exact.body.toString()).toBe('exact bytes');
    expect(exact.headers['request-id']).toBeUndefined();
    expect((await raw(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE })).status).toBe(401);
  });

  it('writes each SSE event as its own chunk, delayMs apart', async () => {
    const fake = await start();
    const events = messageStreamEvents();
    fake.next({ kind: 'sse', events, delayMs: 25 });
    const started = performance.now();
    const reply = await raw(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25 * (events.length - 1) * 0.8);
    expect(reply.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reply.chunks.map((c) => c.toString())).toEqual(events.map(formatSse));
  });

  it('gzips an SSE script only when the request accepts gzip', async () => {
    const fake = await start();
    const events = messageStreamEvents();
    fake.next({ kind: 'sse', events, gzip: true }, { kind: 'sse', events, gzip: true });
    const zipped = await raw(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'accept-encoding': 'gzip, br' }, body: MESSAGE });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toBe(events.map(formatSse).join(''));
    const plain = await raw(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(events.map(formatSse).join(''));
  });

  it('resets the socket without marking the request aborted', async () => {
    const fake = await start();
    fake.next({ kind: 'reset' });
    await expect(raw(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE })).rejects.toThrow();
    expect(fake.received[0]?.aborted).toBe(false);
  });

  it('writes large-sse with back-pressure: a paused reader does not make the fake buffer the stream', async () => {
    const fake = await start();
    fake.next({ kind: 'large-sse', totalBytes: 300_000_000 });
    const before = process.memoryUsage().rss;
    const grown = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${fake.url}/v1/messages`, { method: 'POST' }, (res) => {
        res.pause();
        setTimeout(() => {
          req.destroy();
          resolve(process.memoryUsage().rss - before);
        }, 500);
      });
      req.on('error', reject);
      req.end(MESSAGE);
    });
    expect(grown).toBeLessThan(100_000_000);
    await fake.waitFor(() => fake.received[0]?.aborted === true, 2000);
  });

  it('marks a hung request aborted when the client leaves, and close() ends hung sockets', async () => {
    const fake = await start();
    fake.next({ kind: 'hang' }, { kind: 'hang' });
    const controller = new AbortController();
    // Settled into values at once: these rejections land while other awaits are in flight.
    const outcome = (p: Promise<Response>): Promise<string> => p.then(() => 'answered', () => 'failed');
    const leaving = outcome(fetch(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE, signal: controller.signal }));
    const staying = outcome(fetch(`${fake.url}/v1/messages`, { method: 'POST', body: MESSAGE, signal: AbortSignal.timeout(5000) }));
    await fake.waitForRequests(2, 2000);
    controller.abort();
    expect(await leaving).toBe('failed');
    await fake.waitFor(() => fake.received.some((r) => r.aborted), 2000);
    await fake.close();
    expect(await staying).toBe('failed');
    expect(fake.received.filter((r) => r.aborted)).toHaveLength(1);
  });
});

describe('default routes', () => {
  it('404s outside /v1, echoes unknown /v1 routes, and 400s invalid JSON with matching request ids', async () => {
    const fake = await start();
    const head = await raw(`${fake.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    const echo = await raw(`${fake.url}/v1/files/abc?x=1`, { method: 'DELETE', headers: { 'x-api-key': DEFAULT_API_KEY } });
    expect(JSON.parse(echo.body.toString())).toEqual({ ok: true, method: 'DELETE', path: '/v1/files/abc' });
    expect(echo.headers['anthropic-ratelimit-requests-reset']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(echo.headers['anthropic-organization-id']).toBeTruthy();
    const bad = await raw(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': DEFAULT_API_KEY }, body: '{nope' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString())).toMatchObject({ error: { type: 'invalid_request_error' }, request_id: bad.headers['request-id'] });
  });

  it('compresses default JSON only with the gzip option and an accepting client', async () => {
    const fake = await start({ gzip: true, usage: { input_tokens: 7 } });
    const headers = { 'x-api-key': DEFAULT_API_KEY, 'accept-encoding': 'gzip' };
    const reply = await raw(`${fake.url}/v1/messages`, { method: 'POST', headers, body: MESSAGE });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(reply.body).toString())).toMatchObject({ usage: { input_tokens: 7, output_tokens: 12 } });
  });

  it('marks an OAuth 429 as a rejected plan window', async () => {
    const fake = await start({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] });
    const body = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: [{ type: 'text', text: 'FAKE_RATE_LIMIT' }] }] });
    const headers = { authorization: `Bearer ${ACCESS}`, 'anthropic-beta': `claude-code-20250219,${OAUTH_BETA}` };
    const reply = await raw(`${fake.url}/v1/messages?beta=true`, { method: 'POST', headers, body });
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('7');
    expect(reply.headers['anthropic-ratelimit-unified-status']).toBe('rejected');
  });

  it('rejects waitForRequests after its deadline', async () => {
    const fake = await start();
    await expect(fake.waitForRequests(1, 50)).rejects.toThrow(/timed out after 50 ms/);
  });
});
