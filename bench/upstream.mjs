/**
 * Bench upstream: a small, fast stand-in for the Anthropic API, run as its own child process.
 * test/fake-anthropic is TypeScript (node cannot import it without a loader), so this speaks the same
 * wire format in plain JS, kept cheap so the upstream costs as little CPU as possible.
 *
 * POST /v1/messages with `x-api-key: UPSTREAM_API_KEY` (anything else: 401 in the API's shape)
 *   without `"stream": true` → a ~1 KB Message JSON with usage, plus the usual rate-limit headers
 *   with `"stream": true`    → an SSE message stream, one write per event; request headers tune it:
 *     x-bench-events: N (default 10)   x-bench-delay-ms: pause between events (default 0)
 *     x-bench-bytes: N → instead, a stream of ~N bytes of text deltas written with back-pressure
 */
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveChild } from './lib/child-side.mjs';
import { KNOBS, UPSTREAM_API_KEY } from './lib/constants.mjs';

const MODEL = 'claude-opus-5-5';
const TEXT = 'Hello from the bench upstream. '.repeat(20).trim();
const USAGE = {
  input_tokens: 42,
  cache_creation_input_tokens: 1500,
  cache_read_input_tokens: 20000,
  cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 },
  output_tokens: 12,
  service_tier: 'standard',
};
const DELTA_TEXT = 'The quick brown fox jumps over the lazy dog. '.repeat(364); // ~16 KiB per delta
let sequence = 0;

/** The headers every authenticated answer carries (organization and per-key rate limits). */
function apiHeaders() {
  const reset = new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const headers = { 'anthropic-organization-id': '0b6ad5a4-8c4e-4f3c-9e61-5f1f2f6a7c11' };
  for (const family of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
    headers[`anthropic-ratelimit-${family}-limit`] = '4000000';
    headers[`anthropic-ratelimit-${family}-remaining`] = '3999000';
    headers[`anthropic-ratelimit-${family}-reset`] = reset;
  }
  return headers;
}
const API_HEADERS = apiHeaders();

const nextId = (prefix) => `${prefix}bench${(++sequence).toString(36).padStart(12, '0')}`;
const sse = (event, data) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const delta = (text) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });

function message(id, overrides) {
  return { id, type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text: TEXT }], stop_reason: 'end_turn', stop_sequence: null, usage: USAGE, ...overrides };
}

function streamHead(id) {
  return [
    sse('message_start', { type: 'message_start', message: message(id, { content: [], stop_reason: null, usage: { ...USAGE, output_tokens: 1 } }) }),
    sse('ping', { type: 'ping' }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ];
}

function streamTail(outputTokens) {
  const usage = { input_tokens: 42, cache_creation_input_tokens: 1500, cache_read_input_tokens: 20000, output_tokens: outputTokens };
  return [
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage }),
    sse('message_stop', { type: 'message_stop' }),
  ];
}

/** A normal stream of `count` events (at least the 6 framing ones), word deltas in between. */
function* smallStream(count) {
  yield* streamHead(nextId('msg_01'));
  for (let i = 0; i < Math.max(0, count - 6); i += 1) yield delta(` word${i}`);
  yield* streamTail(12);
}

/** ~totalBytes of text in 16 KiB deltas; the full-size delta event is built once. */
function* largeStream(totalBytes) {
  const fullDelta = delta(DELTA_TEXT);
  yield* streamHead(nextId('msg_01'));
  for (let sent = 0; sent < totalBytes; sent += DELTA_TEXT.length) {
    const left = totalBytes - sent;
    yield left >= DELTA_TEXT.length ? fullDelta : delta(DELTA_TEXT.slice(0, left));
  }
  yield* streamTail(Math.max(1, Math.round(totalBytes / 4)));
}

/** Resolves on 'drain' or 'close', whichever comes first, leaving no listener behind. */
function drainedOrClosed(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Writes each event as its own chunk, `delayMs` apart, waiting for 'drain' when the socket is full. */
async function writeEvents(res, events, delayMs) {
  let first = true;
  for (const event of events) {
    if (!first && delayMs > 0) await sleep(delayMs);
    first = false;
    if (res.destroyed) return;
    if (!res.write(event)) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end();
}

function sendJson(res, status, body, headers = API_HEADERS) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': nextId('req_011C'), ...headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function sendError(res, status, type, text) {
  sendJson(res, status, { type: 'error', error: { type, message: text }, request_id: nextId('req_011C') }, {});
}

function knob(req, name, fallback) {
  const value = Number(req.headers[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function answer(req, res, body) {
  if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/messages') return sendError(res, 404, 'not_found_error', 'Not Found');
  if (req.headers['x-api-key'] !== UPSTREAM_API_KEY) return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    return sendError(res, 400, 'invalid_request_error', 'Request body is not valid JSON');
  }
  if (parsed?.stream !== true) return sendJson(res, 200, message(nextId('msg_01')));
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': nextId('req_011C'), ...API_HEADERS });
  const bytes = knob(req, KNOBS.bytes, 0);
  const events = bytes > 0 ? largeStream(bytes) : smallStream(knob(req, KNOBS.events, 10));
  return writeEvents(res, events, bytes > 0 ? 0 : knob(req, KNOBS.delayMs, 0));
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    Promise.resolve(answer(req, res, Buffer.concat(chunks).toString('utf8'))).catch(() => res.destroy());
  });
});
server.keepAliveTimeout = 60_000;
serveChild(server);
