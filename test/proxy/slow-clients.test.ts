/**
 * Slow-loris clients: headers or a body trickled in byte by byte cannot hold a connection forever.
 * Past the timeouts the proxy answers 408 in the API's shape and closes, and keeps serving others.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { send } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
const sockets: Socket[] = [];

beforeEach(async () => {
  h = await startHarness({ clientTimeouts: { headersMs: 600, requestMs: 1500, checkEveryMs: 100 } });
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await h.close();
});

/** Opens a raw connection that writes `parts` one every `everyMs` until the server closes it. */
function trickle(parts: string[], everyMs: number): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(h.port, '127.0.0.1');
    sockets.push(socket);
    let answer = '';
    let next = 0;
    const timer = setInterval(() => {
      if (next < parts.length && !socket.destroyed) socket.write(parts[next++] ?? '');
    }, everyMs);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('error', () => undefined);
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`still open after 10 s; got: ${answer}`));
    }, 10_000);
  });
}

it('cuts off a client that trickles its headers, with a 408 in the API shape', async () => {
  // One ASCII character at a time.
  const headerBytes = `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${'x'.repeat(200)}`.match(/[\s\S]/g) ?? [];
  const { answer, closedAfterMs } = await trickle(headerBytes, 50);
  expect(closedAfterMs).toBeLessThan(5000);
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { type: string; error: { type: string; message: string } };
  expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  expect(h.fake.received).toHaveLength(0);
});

it('cuts off a client that trickles its body, and the upstream request does not linger', async () => {
  const head = `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${DEFAULT_API_KEY}\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n`;
  const { answer, closedAfterMs } = await trickle([head, ...Array<string>(200).fill('{"a":1}')], 100);
  expect(closedAfterMs).toBeLessThan(6000);
  // Either the 408 (nothing was answered yet) or a bare close: never a hang.
  if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  await h.fake.waitFor(() => h.fake.received.every((request) => request.aborted || request.completed));
  // The proxy still serves everyone else.
  const res = await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': DEFAULT_API_KEY }, body: '{"model":"claude-opus-5-5","max_tokens":5,"messages":[]}' });
  expect(res.status).toBe(200);
});
