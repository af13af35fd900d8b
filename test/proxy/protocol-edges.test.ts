/**
 * Regression tests for what the bad-input corpus (test/security) found, each named after the threat:
 * requests node:http would have answered in its own bare way, or that the proxy mishandled.
 */
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { parseResponses, type ParsedResponse } from '../security/raw-exchange.js';

const CLIENT_KEY = 'cnp_team_client_key_protocol_edges';
const OTHER_REAL_KEY = 'sk-ant-api03-other-domain-real-key';
const BODY = '{"model":"claude-opus-5-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ fake: { apiKeys: [DEFAULT_API_KEY, OTHER_REAL_KEY] } });
  await h.writeCredentials('team.example.com', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY });
  await h.writeCredentials('other.example.com', { type: 'api_key', api_key: OTHER_REAL_KEY, client_api_key: 'cnp_other_client_key' });
});
afterEach(async () => {
  await h.close();
});

/** Writes `bytes` on a fresh connection and reads until the server closes it or `count` answers arrived. */
function exchange(bytes: string, methods: string[]): Promise<ParsedResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(h.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = (closed: boolean): void => {
      clearTimeout(deadline);
      socket.destroy();
      resolve(parseResponses(Buffer.concat(chunks), methods, closed).responses);
    };
    const deadline = setTimeout(() => { reject(new Error(`no complete answer within 5 s: ${Buffer.concat(chunks).toString()}`)); }, 5000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseResponses(Buffer.concat(chunks), methods, false).responses.length >= methods.length) done(false);
    });
    socket.on('close', () => { done(true); });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

function post(headers: string, body = BODY): string {
  return `POST /v1/messages HTTP/1.1\r\n${headers}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function expectApiError(res: ParsedResponse | undefined, status: number): void {
  expect(res?.status).toBe(status);
  expect(res?.headers['content-type']?.[0]).toMatch(/^application\/json/);
  expect(JSON.parse(res?.body.toString() ?? '')).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' }, request_id: expect.stringMatching(/^req_nexus_/) as unknown });
}

describe('protocol edges the corpus found', () => {
  it('a second Host header cannot steer a request to a domain the front proxy did not route (RFC 9112 §3.2)', async () => {
    // Node keeps the first Host; nginx or a load balancer in front may have routed on the other one.
    for (const hosts of [['other.example.com', 'team.example.com'], ['team.example.com', 'team.example.com'], ['localhost', 'team.example.com']]) {
      const [res] = await exchange(post(`Host: ${hosts[0] ?? ''}\r\nx-api-key: ${CLIENT_KEY}\r\nhost: ${hosts[1] ?? ''}\r\n`), ['POST']);
      expectApiError(res, 400);
    }
    expect(h.fake.received).toHaveLength(0);
  });

  it('TRACE is never forwarded, so no hop can echo the domain’s real key back', async () => {
    const [res] = await exchange(`TRACE /v1/messages HTTP/1.1\r\nHost: team.example.com\r\nx-api-key: ${CLIENT_KEY}\r\n\r\n`, ['TRACE']);
    expectApiError(res, 405);
    expect(h.fake.received).toHaveLength(0);
  });

  it('a broken request pipelined behind a stream can neither replace the earlier answer nor cut it short', async () => {
    const stream = '{"model":"claude-opus-5-5","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"FAKE_SLOW_STREAM"}]}';
    const [first, second] = await exchange(`${post(`Host: team.example.com\r\nx-api-key: ${CLIENT_KEY}\r\n`, stream)}GET /v1/models HTTP/9.9\r\nHost: team.example.com\r\n\r\n`, ['POST', 'GET']);
    expect(first?.status).toBe(200);
    expect(first?.body.toString()).toMatch(/event: message_stop/);
    expectApiError(second, 400);
    expect(h.fake.received).toHaveLength(1);
  });

  it('CONNECT gets a 405 in the API shape instead of a connection dropped without a word', async () => {
    const [res] = await exchange('CONNECT team.example.com:443 HTTP/1.1\r\nHost: team.example.com:443\r\n\r\n', ['CONNECT']);
    expectApiError(res, 405);
  });

  it('an unsupported Expect gets a 417 in the API shape, not Node’s bare one, and nothing is forwarded', async () => {
    const [res] = await exchange(post(`Host: team.example.com\r\nx-api-key: ${CLIENT_KEY}\r\nExpect: 200-ok\r\n`), ['POST']);
    expectApiError(res, 417);
    expect(h.fake.received).toHaveLength(0);
  });
});
