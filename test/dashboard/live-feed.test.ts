/**
 * GET /api/live over a raw socket, fed by a real proxy's recorder: the key is required, each written
 * record arrives as one `request` event (a summary: no headers, no bodies), idle streams get
 * heartbeat comments, and a client leaving or the dashboard shutting down removes the listener.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { send } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { waitUntil } from '../support/wait-until.js';

const KEY = 'cnd_live_feed_test_key_0123456789';
let h: Harness;
let dashboard: DashboardServer;
const shutdown = new AbortController();

beforeAll(async () => {
  h = await startHarness({ databaseUrl: 'memory://' });
  dashboard = await startDashboardServer({
    apiKey: KEY,
    database: () => h.database(),
    ...(h.recorder === undefined ? {} : { usageEvents: h.recorder.events }),
    heartbeatMs: 200,
    signal: shutdown.signal,
  });
});

afterAll(async () => {
  await dashboard.close();
  await h.close();
  await h.recorder?.close();
});

interface OpenStream {
  response: IncomingMessage;
  text(): string;
  close(): void;
  ended: Promise<void>;
}

function openStream(): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${dashboard.url}/api/live`, { headers: { 'x-api-key': KEY } }, (response) => {
      let received = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (received += chunk));
      const ended = new Promise<void>((done) => response.once('close', done));
      resolve({ response, text: () => received, close: () => req.destroy(), ended });
    });
    req.on('error', reject);
    req.end();
  });
}

const listeners = (): number => h.recorder?.events.listenerCount('written') ?? -1;

describe('live feed', () => {
  it('needs the key', async () => {
    expect((await send(dashboard.url, { path: '/api/live' })).status).toBe(401);
  });

  it('pushes each written record as a summary, with heartbeats in between', async () => {
    const stream = await openStream();
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitUntil(() => (listeners() === 1 ? true : undefined), 'the dashboard to listen');
    await waitUntil(() => (stream.text().includes(': heartbeat') ? true : undefined), 'a heartbeat', { timeoutMs: 3000 });

    const res = await send(h.url, {
      method: 'POST',
      path: '/v1/messages',
      headers: { 'x-api-key': DEFAULT_API_KEY, 'content-type': 'application/json', 'user-agent': 'secret-agent/1.0' },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 5, messages: [{ role: 'user', content: 'a private prompt' }] }),
    });
    expect(res.status).toBe(200);
    const event = await waitUntil(() => /event: request\ndata: (.+)\nid: (req_nexus_\w+)\n\n/.exec(stream.text()) ?? undefined, 'the request event', { timeoutMs: 20_000 });
    const record = JSON.parse(event[1] ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ id: event[2], model: 'claude-opus-5-5', status: 200, inputTokens: 42, outputTokens: 12, costUsd: '0.014908000000', cacheSavedUsd: '0.076000000000' });
    expect(stream.text()).not.toMatch(/private prompt|secret-agent|sk-ant|ratelimit/);

    stream.close();
    await waitUntil(() => (listeners() === 0 ? true : undefined), 'the listener to be removed after the client left');
  });

  it('ends every open stream when the dashboard shuts down', async () => {
    const stream = await openStream();
    await waitUntil(() => (listeners() === 1 ? true : undefined), 'the dashboard to listen');
    shutdown.abort();
    await stream.ended;
    expect(listeners()).toBe(0);
  });
});
