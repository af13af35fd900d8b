/** Passthrough forwarding on real sockets: headers, bodies and streams pass unchanged both ways. */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, messageStreamEvents, midstreamErrorEvents, errorBody } from '../fake-anthropic/index.js';
import { send, type ApiErrorBody } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const messageBody = '{"model":"claude-opus-5-5",  "max_tokens":64,\n"messages":[{"role":"user","content":"héllo ✓"}],"stream":false}';

describe('request pass-through', () => {
  it('forwards path, query, method, every end-to-end header and the exact body bytes', async () => {
    const res = await send(h.url, {
      method: 'POST',
      path: '/v1/messages?beta=true',
      headers: [
        'Content-Type', 'application/json',
        'X-Api-Key', DEFAULT_API_KEY,
        'anthropic-version', '2023-06-01',
        'anthropic-beta', 'claude-code-20250219,oauth-2025-04-20,some-future-beta-2027-01-01',
        'x-claude-code-session-id', 'sess-1',
        'x-claude-code-agent-id', 'agent-1',
        'X-Custom-Thing', 'kept as is',
        'Connection', 'keep-alive, X-Hop-Only',
        'X-Hop-Only', 'must not pass',
      ],
      body: messageBody,
    });
    expect(res.text).toContain('"type":"message"');
    expect(res.status).toBe(200);
    const [received] = h.fake.received;
    expect(received?.url).toBe('/v1/messages?beta=true');
    expect(received?.method).toBe('POST');
    expect(received?.body.equals(Buffer.from(messageBody))).toBe(true);
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-api-key': DEFAULT_API_KEY,
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,oauth-2025-04-20,some-future-beta-2027-01-01',
      'x-claude-code-session-id': 'sess-1',
      'x-claude-code-agent-id': 'agent-1',
      'x-custom-thing': 'kept as is',
      'content-length': String(Buffer.byteLength(messageBody)),
    });
    expect(received?.headers['x-hop-only']).toBeUndefined();
    expect(received?.headers.host).toBe(new URL(h.fake.url).host);
  });

  it('forwards a chunked body unchanged and any method on any /v1 route', async () => {
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${h.url}/v1/files?purpose=x`, { method: 'PUT', headers: { 'x-api-key': DEFAULT_API_KEY } }, (res) => {
        res.resume();
        res.on('end', () => { resolve(res.statusCode ?? 0); });
      });
      req.on('error', reject);
      req.write('part-one,');
      req.end('part-two');
    });
    expect(chunked).toBe(200);
    expect(h.fake.received[0]?.body.toString()).toBe('part-one,part-two');
    expect(h.fake.received[0]?.method).toBe('PUT');

    const del = await send(h.url, { method: 'DELETE', path: '/v1/files/file_123', headers: { 'x-api-key': DEFAULT_API_KEY } });
    expect(del.json()).toEqual({ ok: true, method: 'DELETE', path: '/v1/files/file_123' });
  });
});

describe('response pass-through', () => {
  it('returns status, headers and body as the upstream sent them', async () => {
    h.fake.next({
      kind: 'raw',
      status: 429,
      headers: {
        'content-type': 'application/json',
        'request-id': 'req_upstream_1',
        'retry-after': '7',
        'x-should-retry': 'true',
        'anthropic-ratelimit-unified-5h-utilization': '0.93',
        'anthropic-ratelimit-unified-5h-reset': '1795520000',
        'anthropic-organization-id': 'org-1',
        'set-cookie': ['a=1', 'b=2'],
      },
      body: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"req_upstream_1"}',
    });
    const res = await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k' }, body: '{}' });
    expect(res.status).toBe(429);
    expect(res.text).toBe('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"req_upstream_1"}');
    expect(res.headers).toMatchObject({
      'request-id': 'req_upstream_1',
      'retry-after': '7',
      'x-should-retry': 'true',
      'anthropic-ratelimit-unified-5h-utilization': '0.93',
      'anthropic-ratelimit-unified-5h-reset': '1795520000',
      'anthropic-organization-id': 'org-1',
      'set-cookie': ['a=1', 'b=2'],
    });
  });

  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
    [418, 'some_future_error'],
  ])('passes a %i %s body through untouched', async (status, type) => {
    const body = errorBody(type, `upstream says ${type}`, 'req_up');
    h.fake.next({ kind: 'json', status, body });
    const res = await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k' }, body: '{}' });
    expect(res.status).toBe(status);
    expect(res.json()).toEqual(body);
  });

  it('streams SSE byte-identical to the upstream, mid-stream error events included', async () => {
    for (const events of [messageStreamEvents({ includePing: true }), midstreamErrorEvents()]) {
      h.fake.next({ kind: 'sse', events }, { kind: 'sse', events });
      const direct = await send(h.fake.url, { method: 'POST', path: '/v1/messages', body: '{"stream":true}' });
      const proxied = await send(h.url, { method: 'POST', path: '/v1/messages', body: '{"stream":true}' });
      expect(proxied.status).toBe(200);
      expect(proxied.headers['content-type']).toBe(direct.headers['content-type']);
      expect(proxied.body.equals(direct.body)).toBe(true);
      expect(proxied.text).toMatch(/event: (message_stop|error)\ndata: [^\n]+\n\n$/);
    }
  });

  it('passes compressed responses through without decoding them', async () => {
    h.fake.next({ kind: 'json', status: 200, body: { hello: 'x'.repeat(2000) }, gzip: true });
    const res = await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'accept-encoding': 'gzip' }, body: '{}' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.length).toBeLessThan(2000);
    expect(res.body[0]).toBe(0x1f);
  });

  it('delivers the first event while the upstream is still streaming', async () => {
    h.fake.next({ kind: 'sse', events: messageStreamEvents(), delayMs: 400 });
    const { firstChunk, endedBeforeFirstChunk, total } = await new Promise<{ firstChunk: string; endedBeforeFirstChunk: boolean; total: string }>(
      (resolve, reject) => {
        const req = httpRequest(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k' } }, (res) => {
          let first: string | undefined;
          let all = '';
          res.on('data', (chunk: Buffer) => {
            all += chunk.toString();
            // The fake writes its last event only after several 400 ms pauses: a buffering proxy sends nothing before it.
            first ??= chunk.toString();
          });
          res.on('end', () => { resolve({ firstChunk: first ?? '', endedBeforeFirstChunk: false, total: all }); });
        });
        req.on('error', reject);
        req.end('{"stream":true}');
      },
    );
    expect(endedBeforeFirstChunk).toBe(false);
    expect(firstChunk).toContain('event: message_start');
    expect(firstChunk).not.toContain('message_stop');
    expect(total).toContain('event: message_stop');
  });

  it('cancels the upstream request when the client disconnects mid-stream', async () => {
    h.fake.next({ kind: 'sse', events: messageStreamEvents(), delayMs: 300 });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.on('response', () => undefined);
      req.end('{"stream":true}');
      setTimeout(() => { reject(new Error('no first chunk')); }, 5000).unref();
    });
    await h.fake.waitFor(() => h.fake.received[0]?.aborted === true, 5000);
    expect(h.fake.received[0]?.aborted).toBe(true);
  });
});

describe("the proxy's own answers", () => {
  it('answers HEAD / and GET /health itself', async () => {
    expect((await send(h.url, { method: 'HEAD', path: '/' })).status).toBe(200);
    expect((await send(h.url, { method: 'HEAD', path: '/api/hello' })).status).toBe(200);
    const health = await send(h.url, { path: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok', version: expect.any(String) as string });
    expect(h.fake.received).toHaveLength(0);
  });

  it.each(['/v2/messages', '/admin', '/v1/../admin', '/v1/%2e%2e/x', '/favicon.ico'])('answers %s with a 404 in the API shape', async (path) => {
    const res = await send(h.url, { path });
    expect(res.status).toBe(404);
    const body = res.json<ApiErrorBody>();
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('not_found_error');
    expect(body.request_id).toMatch(/^req_/);
    expect(res.headers['request-id']).toBe(body.request_id);
    expect(h.fake.received).toHaveLength(0);
  });

  it('refuses a declared body over 32 MB with 413 before contacting the upstream', async () => {
    const res = await send(h.url, {
      method: 'POST',
      path: '/v1/messages',
      headers: { 'content-length': String(33 * 1024 * 1024), 'x-api-key': 'k' },
    }).catch((error: unknown) => error);
    // The proxy answers and closes without reading the body; the answer may race the upload.
    if (!(res instanceof Error)) {
      expect((res as { status: number }).status).toBe(413);
      expect((res as { json: () => ApiErrorBody }).json().error.type).toBe('request_too_large');
    }
    expect(h.fake.received).toHaveLength(0);
  });

  it('counts a chunked body while streaming and answers 413 past 32 MB', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < 33) {
          sent += 1;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('rejects a malformed Host header with a 400 in the API shape', async () => {
    const res = await send(h.url, { path: '/v1/models', headers: { host: '../../etc' } });
    expect(res.status).toBe(400);
    expect(res.json<ApiErrorBody>().error.type).toBe('invalid_request_error');
    expect(h.fake.received).toHaveLength(0);
  });
});

describe('upstream failures', () => {
  it('retries once a request whose connection was reset before any byte, and no more', async () => {
    h.fake.next({ kind: 'reset' });
    const ok = await send(h.url, { path: '/v1/models?limit=1000', headers: { 'x-api-key': DEFAULT_API_KEY } });
    expect(ok.status).toBe(200);
    expect(h.fake.received.filter((r) => r.path === '/v1/models')).toHaveLength(2);

    h.fake.next({ kind: 'reset' }, { kind: 'reset' });
    const failed = await send(h.url, { path: '/v1/models', headers: { 'x-api-key': DEFAULT_API_KEY } });
    expect(failed.status).toBe(502);
    expect(failed.json<ApiErrorBody>().error.type).toBe('api_error');
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const down = await startHarness({ env: { CLAUDE_API_BASE_URL: 'http://127.0.0.1:1' } });
    try {
      const res = await send(down.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k' }, body: '{}' });
      expect(res.status).toBe(502);
      expect(res.json<ApiErrorBody>().error).toMatchObject({ type: 'api_error', message: expect.stringContaining('could not be reached') as string });
    } finally {
      await down.close();
    }
  });

  it('answers 504 when the upstream sends no headers within UPSTREAM_TIMEOUT_MS', async () => {
    const slow = await startHarness({ env: { UPSTREAM_TIMEOUT_MS: '300' } });
    try {
      slow.fake.next({ kind: 'hang' });
      const res = await send(slow.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'k' }, body: '{}' });
      expect(res.status).toBe(504);
      expect(res.json<ApiErrorBody>().error.type).toBe('api_error');
    } finally {
      await slow.close();
    }
  });
});

describe('malformed requests', () => {
  it('answers a request without Host, and one Node cannot parse, in the API shape', async () => {
    const { connect } = await import('node:net');
    const exchange = (raw: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(h.port, '127.0.0.1', () => socket.end(raw));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => { resolve(text); });
        socket.on('error', reject);
      });
    const noHost = await exchange('GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.1 400/);
    expect(noHost).toContain('"type":"invalid_request_error"');
    const garbage = await exchange('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toContain('"type":"error"');
    expect(h.fake.received).toHaveLength(0);
  });
});

describe('request log', () => {
  it('writes one structured line per request with method, path, host, status, time and the upstream request id', async () => {
    await send(h.url, { method: 'POST', path: '/v1/messages?beta=true', headers: { 'x-api-key': DEFAULT_API_KEY }, body: '{}' });
    await send(h.url, { path: '/nowhere' });
    const lines = h
      .logs()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      host: new URL(h.url).host,
      status: 200,
      mode: 'passthrough',
      upstreamRequestId: expect.stringMatching(/^req_/) as string,
      requestId: expect.stringMatching(/^req_nexus_/) as string,
    });
    expect(typeof lines[0]?.ms).toBe('number');
    expect(lines[1]).toMatchObject({ method: 'GET', path: '/nowhere', status: 404 });
  });
});

describe('back-pressure', () => {
  it('reads from the upstream only as fast as the client reads', async () => {
    const totalBytes = 64 * 1024 * 1024;
    h.fake.next({ kind: 'large-sse', totalBytes });
    let received = 0;
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${h.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'k' } }, resolve);
      req.on('error', reject);
      req.end('{"stream":true}');
    });
    res.pause();
    await h.fake.waitForRequests(1);
    // A buffering proxy would drain 64 MB from a loopback upstream in well under a second.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(h.fake.received[0]?.completed).toBe(false);
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', resolve);
      res.on('error', reject);
      res.resume();
    });
    expect(received).toBeGreaterThanOrEqual(totalBytes);
    expect(h.fake.received[0]?.completed).toBe(true);
  });
});
