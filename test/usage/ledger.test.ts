/** Every proxied request lands in the ledger with the upstream's own numbers, on both backends. */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, type SseEvent } from '../fake-anthropic/index.js';
import { readStoredBodies } from '../../src/storage/index.js';
import { BACKENDS, type TestDatabase } from '../support/databases.js';
import { send } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const CLIENT_KEY = 'cnp_ledger_client_key_0123456789';

/** A full message stream with the given model and usage fields, as the API sends it. */
function streamWith(model: string, usage: Record<string, unknown>, finalOutput = 12): SseEvent[] {
  const start = { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, ...usage };
  return [
    { event: 'message_start', data: { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: start } } },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } } },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { ...start, output_tokens: finalOutput } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

interface Row {
  id: string;
  model: string | null;
  stream: boolean;
  status: number;
  outcome: string;
  error_type: string | null;
  domain: string;
  account: string;
  client_key_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_write_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  web_search_requests: number;
  cost_usd: string | null;
  price_version: string | null;
  session_id: string | null;
  agent_id: string | null;
  parent_agent_id: string | null;
  request_class: string | null;
  user_agent: string | null;
  upstream_request_id: string | null;
  ttfb_ms: number | null;
  duration_ms: number;
  service_tier: string | null;
  inference_geo: string | null;
}

describe.each(BACKENDS)('usage ledger on $name', (backend) => {
  let testDb: TestDatabase;
  let h: Harness;
  beforeEach(async () => {
    testDb = await backend.create();
    h = await startHarness({ databaseUrl: testDb.url });
    await h.writeCredentials('team.example.com', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY, accountId: 'team' });
  });
  afterEach(async () => {
    await h.close();
    await testDb.drop();
  });

  async function rows(): Promise<Row[]> {
    await h.flushUsage();
    return (await h.database()).query<Row & Record<string, unknown>>('SELECT * FROM requests ORDER BY started_at');
  }

  function post(body: object, headers: Record<string, string> = {}) {
    return send(h.url, {
      method: 'POST',
      path: '/v1/messages?beta=true',
      headers: { host: 'team.example.com', 'x-api-key': CLIENT_KEY, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('records a streaming request field by field, priced exactly', async () => {
    const res = await post(
      { model: 'claude-opus-5-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      {
        'x-claude-code-session-id': 'sess-42',
        'x-claude-code-agent-id': 'agent-7',
        'x-claude-code-parent-agent-id': 'agent-1',
        'x-claude-code-request-class': 'subagent',
        'user-agent': 'claude-cli/2.1.330 (external, cli)',
      },
    );
    expect(res.status).toBe(200);
    const [row] = await rows();
    expect(row).toMatchObject({
      model: 'claude-opus-5-5',
      stream: true,
      status: 200,
      outcome: 'completed',
      error_type: null,
      domain: 'team.example.com',
      account: 'team',
      client_key_id: expect.stringMatching(/^ck_[0-9a-f]{16}$/) as string,
      // The fake's DEFAULT_USAGE, read off the final message_delta overlaid on message_start.
      input_tokens: 42,
      output_tokens: 12,
      cache_write_tokens: 1500,
      cache_write_5m_tokens: 500,
      cache_write_1h_tokens: 1000,
      cache_read_tokens: 20000,
      // claude-opus-5-5 per MTok: input 4, 5m write 5, 1h write 8, read 0.2, output 20:
      // 42×4 + 500×5 + 1000×8 + 20000×0.2 + 12×20 = 168 + 2500 + 8000 + 4000 + 240 = 14908 → $0.014908
      cost_usd: '0.014908000000',
      session_id: 'sess-42',
      agent_id: 'agent-7',
      parent_agent_id: 'agent-1',
      request_class: 'subagent',
      user_agent: 'claude-cli/2.1.330 (external, cli)',
      service_tier: 'standard',
      upstream_request_id: res.headers['request-id'],
    });
    expect(row?.price_version).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(row?.ttfb_ms).toBeGreaterThan(0);
    expect(row?.duration_ms).toBeGreaterThanOrEqual(row?.ttfb_ms ?? 0);
    expect(row?.id).toMatch(/^req_nexus_/);
  });

  it('records a non-streaming request from the response usage', async () => {
    await post({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const [row] = await rows();
    expect(row).toMatchObject({ stream: false, input_tokens: 42, output_tokens: 12, cache_read_tokens: 20000, cost_usd: '0.014908000000' });
  });

  it('prices 1 h cache writes at the 1 h rate, server tools, and the long-context tier', async () => {
    h.fake.next(
      { kind: 'sse', events: streamWith('claude-sonnet-4-5', { input_tokens: 100, cache_creation_input_tokens: 1000, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1000 } }, 50) },
      { kind: 'sse', events: streamWith('claude-sonnet-4-5', { input_tokens: 10, server_tool_use: { web_search_requests: 3 } }, 20) },
      { kind: 'sse', events: streamWith('claude-sonnet-4-5-20250929', { input_tokens: 150_000, cache_read_input_tokens: 60_000 }, 1000) },
    );
    for (let i = 0; i < 3; i++) await post({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [] });
    const [oneHour, search, longContext] = await rows();
    // Sonnet 4.5: input 3, 1h write 6, output 15 per MTok → 100×3 + 1000×6 + 50×15 = 300 + 6000 + 750 = 7050 → $0.00705
    // (priced at the 5 m rate it would be 100×3 + 1000×3.75 + 750 = 4800: the 30% undercount peers shipped)
    expect(oneHour).toMatchObject({ cache_write_1h_tokens: 1000, cost_usd: '0.007050000000' });
    // 10×3 + 20×15 = 330 → $0.00033, plus 3 searches × $0.01 = $0.03 → $0.03033
    expect(search).toMatchObject({ web_search_requests: 3, cost_usd: '0.030330000000' });
    // 210,000 prompt tokens > 200K: the whole request at input 6, read 0.6, output 22.5:
    // 150000×6 + 60000×0.6 + 1000×22.5 = 900000 + 36000 + 22500 = 958500 → $0.9585
    expect(longContext).toMatchObject({ model: 'claude-sonnet-4-5-20250929', cost_usd: '0.958500000000' });
  });

  it('records an unknown model with cost NULL (never $0) and warns once', async () => {
    h.fake.next(
      { kind: 'sse', events: streamWith('claude-future-9', { input_tokens: 10 }) },
      { kind: 'sse', events: streamWith('claude-future-9', { input_tokens: 10 }) },
    );
    await post({ model: 'claude-future-9', stream: true, messages: [] });
    await post({ model: 'claude-future-9', stream: true, messages: [] });
    const recorded = await rows();
    expect(recorded.map((row) => row.cost_usd)).toEqual([null, null]);
    expect(recorded[0]?.price_version).toBeNull();
    expect(h.logs().match(/no price for this model/g)).toHaveLength(1);
    const [hourly] = await (await h.database()).query<{ unpriced_requests: number }>('SELECT unpriced_requests FROM usage_hourly');
    expect(hourly?.unpriced_requests).toBe(2);
  });

  it('records a stream the client aborts with what was seen, as aborted', async () => {
    h.fake.next({ kind: 'sse', events: streamWith('claude-opus-5-5', { input_tokens: 42, cache_read_input_tokens: 100 }), delayMs: 300 });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${h.url}/v1/messages`, { method: 'POST', headers: { host: 'team.example.com', 'x-api-key': CLIENT_KEY } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end('{"stream":true}');
      setTimeout(() => { reject(new Error('no first chunk')); }, 5000).unref();
    });
    await h.fake.waitFor(() => h.fake.received[0]?.aborted === true);
    const [row] = await rows();
    // Only message_start was seen: its usage (output 1) is what the upstream had billed so far.
    expect(row).toMatchObject({ outcome: 'aborted', status: 200, input_tokens: 42, cache_read_tokens: 100, output_tokens: 1, model: 'claude-opus-5-5' });
  });

  it('records upstream errors and proxy-made errors with their types and no tokens', async () => {
    await post({ model: 'claude-opus-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'FAKE_OVERLOADED' }] });
    await post({ model: 'claude-opus-5-5', messages: [] }, { 'x-api-key': 'cnp_wrong' });
    await send(h.url, { path: '/v1/models?limit=5', headers: { host: 'team.example.com', 'x-api-key': CLIENT_KEY } });
    const [overloaded, refused, models] = await rows();
    expect(overloaded).toMatchObject({ status: 529, error_type: 'overloaded_error', model: 'claude-opus-5-5', input_tokens: 0, cost_usd: '0.000000000000' });
    expect(refused).toMatchObject({ status: 401, error_type: 'authentication_error', account: 'team', domain: 'team.example.com', input_tokens: 0 });
    expect(models).toMatchObject({ status: 200, model: null, input_tokens: 0, output_tokens: 0, cost_usd: '0.000000000000' });
  });

  it('keeps the rate-limit headers, stores bodies, and stores no secret anywhere', async () => {
    const access = 'sk-ant-oat01-ledger-access-token';
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: access, refreshToken: 'sk-ant-ort01-ledger-refresh', expiresAt: Date.now() + 3_600_000 },
      client_api_key: CLIENT_KEY,
      accountId: 'me',
    });
    h.fake.addOAuth({ accessToken: access, refreshToken: 'sk-ant-ort01-ledger-refresh' });
    await post({ model: 'claude-opus-5-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'remember me' }] }, { host: 'me.example.com', 'user-agent': 'claude-cli/2.1.330 (external, cli)' });
    await post({ model: 'claude-opus-5-5', max_tokens: 10, messages: [] }, { host: 'localhost', 'x-api-key': DEFAULT_API_KEY });
    const recorded = await rows();
    expect(recorded[1]?.account).toMatch(/^key_[0-9a-f]{16}$/);
    const db = await h.database();
    const [snapshot] = await db.query<{ account: string; five_hour_utilization: number | null; headers: Record<string, string> }>(
      "SELECT account, five_hour_utilization, headers FROM rate_limit_snapshots WHERE account = 'me'",
    );
    expect(snapshot?.five_hour_utilization).toBeTypeOf('number');
    expect(Object.keys(snapshot?.headers ?? {}).some((name) => name.startsWith('anthropic-ratelimit-unified-'))).toBe(true);

    const bodies = await readStoredBodies(db, recorded[0]?.id ?? '');
    expect(bodies?.request).toContain('remember me');
    expect(bodies?.response).toContain('event: message_stop');
    expect(bodies?.requestHeaders['x-api-key']).toBeUndefined();
    expect(bodies?.requestHeaders.authorization).toBeUndefined();
    expect(bodies?.requestHeaders['user-agent']).toContain('claude-cli/');

    // A dump of every table, as text: no credential or client key may appear in it.
    const tables = ['requests', 'usage_hourly', 'usage_daily', 'rate_limit_snapshots', 'request_bodies'];
    let dump = '';
    for (const table of tables) {
      for (const row of await db.query(`SELECT * FROM ${table}`)) {
        dump += JSON.stringify(row);
      }
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const secret of [CLIENT_KEY, DEFAULT_API_KEY, access, 'sk-ant-ort01-ledger-refresh']) expect(dump).not.toContain(secret);
  });
});

describe('conversations of clients without a session id', () => {
  it('groups the turns of one SDK conversation and keeps others apart', async () => {
    const testDb = await BACKENDS[1]?.create();
    const h = await startHarness({ databaseUrl: testDb?.url ?? 'memory://', env: { STORE_BODIES: 'off' } });
    try {
      const ask = (messages: object[]) =>
        send(h.url, {
          method: 'POST',
          path: '/v1/messages',
          headers: { 'x-api-key': DEFAULT_API_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 5, system: 'Be brief.', messages }),
        });
      const first = { role: 'user', content: 'Plan a trip to Lisbon' };
      await ask([first]);
      await ask([first, { role: 'assistant', content: 'Sure.' }, { role: 'user', content: 'In May?' }]);
      await ask([{ role: 'user', content: 'Something else entirely' }]);
      await h.flushUsage();
      const rows = await (await h.database()).query<{ conversation_id: string | null }>('SELECT conversation_id FROM requests ORDER BY started_at');
      const [a, b, c] = rows.map((row) => row.conversation_id);
      expect(a).toMatch(/^conv_[0-9a-f]{20}$/);
      expect(b).toBe(a);
      expect(c).not.toBe(a);
    } finally {
      await h.close();
      await testDb?.drop();
    }
  });
});

describe('records the database refuses', () => {
  it('strips NUL from client-controlled text, so one odd request cannot block the ledger (regression)', async () => {
    const h = await startHarness({ databaseUrl: 'memory://' });
    try {
      await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': 'bad' }, body: Buffer.from('{"model":"claude\u0000x","messages":[]}', 'latin1') });
      for (let i = 0; i < 3; i++) await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': DEFAULT_API_KEY }, body: '{"model":"claude-opus-5-5"}' });
      await h.flushUsage();
      const rows = await (await h.database()).query<{ model: string }>('SELECT model FROM requests ORDER BY started_at');
      expect(rows.map((row) => row.model)).toEqual(['claudex', 'claude-opus-5-5', 'claude-opus-5-5', 'claude-opus-5-5']);
      expect(h.recorder?.status()).toMatchObject({ database: 'up', backlog: 0 });
    } finally {
      await h.close();
    }
  });
});
