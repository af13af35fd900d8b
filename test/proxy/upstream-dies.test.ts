/**
 * The upstream dies in the middle of a stream: the client gets a proper ending (an Anthropic-shaped
 * `event: error`, as the API itself sends when it fails mid-stream) instead of a hang or a bare cut,
 * the partial usage is recorded as a failed exchange, and the proxy goes on serving.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_API_KEY, messageStreamEvents } from '../fake-anthropic/index.js';
import { send } from '../support/http.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ databaseUrl: 'memory://' });
});

afterEach(async () => {
  await h.close();
});

const streamBody = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] });

it('ends the stream with an error event, records the partial usage, and keeps serving', async () => {
  const events = messageStreamEvents({ text: 'one two three four five', usage: { output_tokens: 9 } });
  // message_start, ping, content_block_start and two deltas reach the client; then the upstream dies.
  h.fake.next({ kind: 'sse', events, delayMs: 5, dieAfter: 5 });
  const res = await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': DEFAULT_API_KEY }, body: streamBody, timeoutMs: 5000 });
  expect(res.status).toBe(200);
  expect(res.text).toContain('event: message_start');
  expect(res.text).not.toContain('event: message_stop');
  expect(res.text.endsWith('\n\n')).toBe(true);
  const last = res.text.trimEnd().split('\n\n').at(-1) ?? '';
  expect(last.split('\n')[0]).toBe('event: error');
  const data = JSON.parse(last.split('\n')[1]?.replace(/^data: /, '') ?? '{}') as { type: string; error: { type: string; message: string } };
  expect(data).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  expect(data.error.message).toMatch(/lost mid-stream/);

  // The real SDK sees an API error, not a hang or a parse failure.
  h.fake.next({ kind: 'sse', events, delayMs: 5, dieAfter: 5 });
  const client = new Anthropic({ baseURL: h.url, apiKey: DEFAULT_API_KEY, maxRetries: 0 });
  const stream = client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
  await expect(stream.finalMessage()).rejects.toThrow(/lost mid-stream/);

  await h.flushUsage();
  const db = await h.database();
  const rows = await db.query<{ outcome: string; error_type: string | null; input_tokens: number; status: number }>(
    'SELECT outcome, error_type, input_tokens, status FROM requests ORDER BY started_at',
  );
  expect(rows).toHaveLength(2);
  for (const row of rows) expect(row).toMatchObject({ outcome: 'failed', error_type: 'api_error', input_tokens: 42, status: 200 });

  // Still serving.
  const next = await send(h.url, { method: 'POST', path: '/v1/messages', headers: { 'x-api-key': DEFAULT_API_KEY }, body: streamBody });
  expect(next.status).toBe(200);
  expect(next.text).toContain('event: message_stop');
});
