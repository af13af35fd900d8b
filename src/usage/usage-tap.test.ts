// Usage tap: what a proxy records from streams and JSON bodies however the bytes are split, encoded or cut.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { emptyUsage, type TokenUsage } from '../shared/token-usage.js';
import { createUsageTap, responseKind, type TapResult, type UsageTapOptions } from './usage-tap.js';

/** A complete stream as the Messages API sends it, multi-byte text included. */
const STREAM = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_01Tap","type":"message","role":"assistant","model":"claude-opus-5-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"cache_creation":{"ephemeral_5m_input_tokens":40,"ephemeral_1h_input_tokens":60},"output_tokens":1,"service_tier":"standard","inference_geo":"us"}}}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüße 👋 — 日本語"}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":0}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":42}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\n');
const STREAM_BYTES = Buffer.from(STREAM);
// `zstd -q -c` of STREAM (zstd CLI 1.5): Node 20's zlib has no zstd compressor and fzstd only decompresses.
const STREAM_ZSTD = Buffer.from(
  'KLUv/QRYJQ0ANhZGMIApSQcb0ZGJolH7ugNoqmM2A1HQLrulbLS3JHaSki93S4tJunQgjm2++VlUWnmdsjMANwA4ALpeNur4RhfbbGaY83htmDs6essACiUt7By/mD/w6MdrO9B/JJidC2mXzUmXZFYnwV5t0CvVKUpaxnSqU0kdKtXRQoHnVQbWqV/bp2r1GVBumrf4ZZzqUmPNRwME4Hu1l6mjNxKNBL/GEgEMijUEEoI8z3N+xzNdkqpVpwWWOfpyuTabj3fKdFLFNDjlo37s6FEWHAqkMJxGatKpo46mf+CVRQjyfMF4vu51Wqt/Y82NNTuAQCFCg4gHDCKSBQgmJAkUPFRI9AFCAoQDcMxudKUvy7QnyzLtR/R20MYreAddATYgIEJipEMeHwdQKMB5wLoYV7DHMxrXGT9ExoEhxoGPmPZDQhFg3MCBQR4RqVUG0GAP1UCtAcUGzBY4HzANwC8Da1cZBxxsZsQ6wY8ZulHqK2jkCHNVbV1gOAG9VQXzGdBtGTzUg9OxyBhsfYkJEG442EmRwCD2h0S56ISfldBAG9jpdyQawfHIUo/HQQ==',
  'base64',
);
const STREAM_USAGE: TokenUsage = {
  inputTokens: 12,
  outputTokens: 42,
  cacheWriteTokens: 100,
  cacheWrite5mTokens: 40,
  cacheWrite1hTokens: 60,
  cacheReadTokens: 2000,
  serverToolUse: {},
  serviceTier: 'standard',
  inferenceGeo: 'us',
};
const SSE = 'text/event-stream; charset=utf-8';

type Event = [name: string, data: unknown];

function sse(...events: Event[]): string {
  return events.map(([name, data]) => `event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`).join('');
}
function start(usage: object | undefined, model = 'claude-opus-5-5'): Event {
  const message = { id: 'msg_x', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage };
  return ['message_start', { type: 'message_start', message }];
}
function delta(usage: object, stopReason = 'end_turn'): Event {
  return ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason }, usage }];
}
const STOP: Event = ['message_stop', { type: 'message_stop' }];

/** A seeded generator (mulberry32), so a failing split can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function split(bytes: Buffer, sizes: 'bytes' | 'whole' | { seed: number }): Buffer[] {
  if (sizes === 'whole') return [bytes];
  const next = sizes === 'bytes' ? () => 1 : ((rng) => () => 1 + Math.floor(rng() * 97))(random(sizes.seed));
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = next();
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

interface Run extends Partial<UsageTapOptions> {
  cut?: boolean;
}
async function tap(body: string | Buffer | Buffer[], run: Run = {}): Promise<TapResult> {
  const { cut = false, ...rest } = run;
  const usageTap = createUsageTap({ contentType: SSE, contentEncoding: undefined, keepBody: false, ...rest });
  const chunks = Array.isArray(body) ? body : [typeof body === 'string' ? Buffer.from(body) : body];
  for (const chunk of chunks) usageTap.write(chunk);
  return cut ? usageTap.abort() : usageTap.end();
}

describe('usage tap on a stream', () => {
  it('reads model, id, stop reason and final usage from a complete stream', async () => {
    expect(await tap(STREAM)).toEqual({
      kind: 'sse',
      model: 'claude-opus-5-5',
      messageId: 'msg_01Tap',
      usage: STREAM_USAGE,
      stopReason: 'end_turn',
      errorType: null,
      sawMessageStop: true,
      body: '',
      bodyTruncated: false,
      atEventBoundary: true,
      decodeError: null,
      malformedEvents: 0,
    });
  });

  it('gives identical results fed whole, byte by byte and in random splits', async () => {
    const whole = await tap(split(STREAM_BYTES, 'whole'), { keepBody: true });
    expect(whole.body).toBe(STREAM);
    expect(await tap(split(STREAM_BYTES, 'bytes'), { keepBody: true })).toEqual(whole);
    for (let seed = 1; seed <= 25; seed += 1) {
      expect(await tap(split(STREAM_BYTES, { seed }), { keepBody: true }), `seed ${seed}`).toEqual(whole);
    }
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const text = sse(start({ input_tokens: 1 }, 'claude-日本-👋'), STOP);
    const bytes = Buffer.from(text);
    const first = bytes.indexOf('日');
    let splits = 0;
    for (let at = first + 1; at < bytes.indexOf('"', first); at += 1) {
      if (((bytes[at] ?? 0) & 0xc0) !== 0x80) continue; // only splits inside a character
      splits += 1;
      const result = await tap([bytes.subarray(0, at), bytes.subarray(at)]);
      expect(result.model, `split at ${at}`).toBe('claude-日本-👋');
    }
    expect(splits).toBe(7);
  });

  it('overlays the last cumulative message_delta, including input and cache fields sent only there', async () => {
    const result = await tap(
      sse(
        start({ input_tokens: 0, output_tokens: 1 }),
        delta({ output_tokens: 10 }, 'tool_use'),
        delta({
          output_tokens: 77,
          input_tokens: 15,
          cache_creation_input_tokens: 300,
          cache_read_input_tokens: 2500,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 300 },
        }),
        STOP,
      ),
    );
    expect(result.usage).toEqual({
      ...emptyUsage(),
      inputTokens: 15,
      outputTokens: 77,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 300,
      cacheReadTokens: 2500,
    });
    expect(result.stopReason).toBe('end_turn');
  });

  it('leaves the 5m/1h split at 0 when no cache_creation breakdown is sent', async () => {
    const result = await tap(sse(start({ input_tokens: 3, cache_creation_input_tokens: 500 }), delta({ output_tokens: 5 }), STOP));
    expect(result.usage).toMatchObject({ cacheWriteTokens: 500, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: 5 });
  });

  it('records server_tool_use, service_tier and inference_geo, merged across events', async () => {
    const result = await tap(
      sse(
        start({ input_tokens: 3, server_tool_use: { web_search_requests: 0 }, service_tier: 'priority', inference_geo: 'us' }),
        delta({ output_tokens: 9, server_tool_use: { web_search_requests: 3, web_fetch_requests: 1 }, inference_geo: null }),
        STOP,
      ),
    );
    expect(result.usage).toMatchObject({
      serverToolUse: { web_search_requests: 3, web_fetch_requests: 1 },
      serviceTier: 'priority',
      inferenceGeo: 'us',
    });
  });

  it('captures an error event after a 200 and keeps the usage seen before it', async () => {
    const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const result = await tap(sse(start({ input_tokens: 8, output_tokens: 1 }), ['ping', { type: 'ping' }], ['error', error]));
    expect(result).toMatchObject({ errorType: 'overloaded_error', sawMessageStop: false, stopReason: null });
    expect(result.usage).toEqual({ ...emptyUsage(), inputTokens: 8, outputTokens: 1 });
  });

  it('counts malformed JSON in an event and keeps reading', async () => {
    const result = await tap(
      sse(start({ input_tokens: 2 }), ['message_delta', '{"type":"message_delta","usage":{"output_'], delta({ output_tokens: 6 }), STOP),
    );
    expect(result).toMatchObject({ malformedEvents: 1, sawMessageStop: true, usage: { inputTokens: 2, outputTokens: 6 } });
  });

  it('skips unknown events unread and reads a data-only event by its type', async () => {
    const dataOnly = `data: ${JSON.stringify(delta({ output_tokens: 4 })[1])}\n\n`;
    const text = sse(start({ input_tokens: 2 }), ['brand_new_event', '{not json at all'], ['content_block_delta', '{broken']) + dataOnly;
    const result = await tap(text + sse(STOP));
    expect(result).toMatchObject({ malformedEvents: 0, sawMessageStop: true, usage: { outputTokens: 4 } });
  });

  it('reports no usage for a stream without any', async () => {
    expect((await tap(sse(start(undefined), STOP))).usage).toBeNull();
  });

  it('reports nothing but the cut when aborted before message_start completes', async () => {
    const result = await tap(STREAM_BYTES.subarray(0, 60), { cut: true });
    expect(result).toMatchObject({ usage: null, model: null, messageId: null, sawMessageStop: false, atEventBoundary: false });
  });

  it('keeps message_start usage when aborted right after it, at an event boundary', async () => {
    const afterStart = STREAM.indexOf('event: content_block_start');
    const result = await tap(STREAM_BYTES.subarray(0, Buffer.byteLength(STREAM.slice(0, afterStart))), { cut: true });
    expect(result).toMatchObject({ model: 'claude-opus-5-5', stopReason: null, sawMessageStop: false, atEventBoundary: true });
    expect(result.usage).toEqual({ ...STREAM_USAGE, outputTokens: 1 });
  });

  it('is not at an event boundary when cut inside an event', async () => {
    const insideDelta = Buffer.byteLength(STREAM.slice(0, STREAM.indexOf('Grüße')));
    const result = await tap(STREAM_BYTES.subarray(0, insideDelta), { cut: true });
    expect(result).toMatchObject({ atEventBoundary: false, usage: { outputTokens: 1 } });
    const midLine = await tap(STREAM_BYTES.subarray(0, Buffer.byteLength(STREAM.slice(0, STREAM.indexOf('\n\n') + 1))), { cut: true });
    expect(midLine.atEventBoundary).toBe(false);
  });

  it('is at an event boundary with no bytes at all and after CRLF line ends', async () => {
    expect((await tap([], { cut: true })).atEventBoundary).toBe(true);
    const crlf = await tap(STREAM.replaceAll('\n', '\r\n'));
    expect(crlf).toMatchObject({ atEventBoundary: true, usage: STREAM_USAGE, sawMessageStop: true });
  });
});

describe('usage tap on encoded streams', () => {
  it.each([
    ['gzip', gzipSync(STREAM_BYTES)],
    ['deflate', deflateSync(STREAM_BYTES)],
    ['br', brotliCompressSync(STREAM_BYTES)],
    ['zstd', STREAM_ZSTD],
    ['gzip, br', brotliCompressSync(gzipSync(STREAM_BYTES))],
  ])('reads the same usage through %s, however split', async (contentEncoding, encoded) => {
    // Identical to the plain stream, except that plain text can no longer be appended to the body.
    const plainResult = { ...(await tap(STREAM)), atEventBoundary: false };
    expect(await tap(encoded, { contentEncoding, keepBody: true })).toEqual({ ...plainResult, body: STREAM });
    expect(await tap(split(encoded, 'bytes'), { contentEncoding })).toEqual(plainResult);
    expect(await tap(split(encoded, { seed: 7 }), { contentEncoding })).toEqual(plainResult);
  });

  it('reads message_start usage from a gzip stream cut in half', async () => {
    const rng = random(5);
    const noise = Array.from({ length: 40 }, (): Event => {
      const text = Array.from({ length: 300 }, () => String.fromCharCode(33 + Math.floor(rng() * 90))).join('');
      return ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }];
    });
    const gz = gzipSync(sse(start({ input_tokens: 12, output_tokens: 1 }), ...noise, delta({ output_tokens: 900 }), STOP));
    const result = await tap(gz.subarray(0, Math.floor(gz.length / 2)), { contentEncoding: 'gzip', cut: true });
    expect(result).toMatchObject({ decodeError: null, model: 'claude-opus-5-5', sawMessageStop: false });
    expect(result.usage).toEqual({ ...emptyUsage(), inputTokens: 12, outputTokens: 1 });
    const early = await tap(gzipSync(STREAM_BYTES).subarray(0, 40), { contentEncoding: 'gzip', cut: true });
    expect(early).toMatchObject({ decodeError: null, usage: null });
  });

  it('reports an unknown or corrupt encoding in decodeError without throwing', async () => {
    const unknown = await tap(STREAM, { contentEncoding: 'compress' });
    expect(unknown).toMatchObject({ decodeError: 'compress: unsupported content-encoding', usage: null });
    const corrupt = await tap([Buffer.from('definitely not gzip'), STREAM_BYTES], { contentEncoding: 'gzip' });
    expect(corrupt.decodeError).toMatch(/^gzip: /);
    expect(corrupt.usage).toBeNull();
  });
});

describe('usage tap on JSON and other bodies', () => {
  const message = {
    id: 'msg_json',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5',
    content: [{ type: 'text', text: 'hi' }],
    stop_reason: 'max_tokens',
    usage: { input_tokens: 5, output_tokens: 6, cache_read_input_tokens: 7, service_tier: 'batch' },
  };
  const json = (body: unknown, run: Run = {}): Promise<TapResult> =>
    tap(split(Buffer.from(JSON.stringify(body)), { seed: 3 }), { contentType: 'application/json', ...run });

  it('reads a Message body', async () => {
    expect(await json(message)).toMatchObject({
      kind: 'json',
      model: 'claude-sonnet-5',
      messageId: 'msg_json',
      stopReason: 'max_tokens',
      errorType: null,
      atEventBoundary: false,
      usage: { ...emptyUsage(), inputTokens: 5, outputTokens: 6, cacheReadTokens: 7, serviceTier: 'batch' },
    });
  });

  it('reads a gzip-encoded Message body', async () => {
    const result = await tap(gzipSync(JSON.stringify(message)), { contentType: 'application/json', contentEncoding: 'gzip' });
    expect(result.usage?.outputTokens).toBe(6);
  });

  it('reads the error type of an error body', async () => {
    const error = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' }, request_id: 'req_1' };
    expect(await json(error)).toMatchObject({ errorType: 'rate_limit_error', usage: null, malformedEvents: 0 });
  });

  it('reports no usage for JSON that is not a message', async () => {
    expect(await json({ data: [{ id: 'claude-opus-5-5', type: 'model' }], has_more: false })).toMatchObject({
      usage: null,
      errorType: null,
      model: null,
      malformedEvents: 0,
    });
    expect((await json({ input_tokens: 42 })).usage).toBeNull();
  });

  it('gives up on a body larger than maxJsonBytes instead of holding it', async () => {
    expect(await json(message, { maxJsonBytes: 64 })).toMatchObject({ usage: null, model: null, malformedEvents: 0 });
  });

  it('reads usage from a kept JSON body longer than what is kept, and keeps only its start', async () => {
    const text = JSON.stringify(message);
    const kept = await json(message, { keepBody: true, maxKeepBytes: 20 });
    expect(kept).toMatchObject({ body: text.slice(0, 20), bodyTruncated: true, model: message.model });
    expect(kept.usage?.outputTokens).toBe(6);
    expect(await json(message, { keepBody: true, maxJsonBytes: 64 })).toMatchObject({ usage: null, body: text, bodyTruncated: false });
  });

  it('counts a body that is not JSON, but not one that was cut', async () => {
    expect((await tap('{"type":"mess', { contentType: 'application/json' })).malformedEvents).toBe(1);
    expect(await tap('{"type":"mess', { contentType: 'application/json', cut: true })).toMatchObject({ malformedEvents: 0, usage: null });
  });

  it('does not decode an other body that is not kept', async () => {
    const result = await tap('<html>', { contentType: 'text/html', contentEncoding: 'compress' });
    expect(result).toMatchObject({ kind: 'other', decodeError: null, body: '' });
  });

  it('keeps the body of other content types and reads nothing from it', async () => {
    const result = await tap('plain text body', { contentType: 'text/plain', keepBody: true });
    expect(result).toMatchObject({ kind: 'other', body: 'plain text body', usage: null, atEventBoundary: false });
  });
});

describe('kept body', () => {
  it('is empty unless asked for', async () => {
    expect(await tap(STREAM)).toMatchObject({ body: '', bodyTruncated: false });
  });

  it('is cut at maxKeepBytes without a half character, and reading goes on', async () => {
    const cutAt = STREAM_BYTES.indexOf(Buffer.from('👋')) + 2;
    const result = await tap(split(STREAM_BYTES, { seed: 11 }), { keepBody: true, maxKeepBytes: cutAt });
    expect(result.bodyTruncated).toBe(true);
    expect(result.body).toBe(STREAM_BYTES.subarray(0, cutAt - 2).toString());
    expect(result.usage).toEqual(STREAM_USAGE);
  });

  it('is whole and not truncated when it fits exactly', async () => {
    const result = await tap(STREAM, { keepBody: true, maxKeepBytes: STREAM_BYTES.length });
    expect(result).toMatchObject({ body: STREAM, bodyTruncated: false });
  });
});

describe('tap contract', () => {
  it('settles once: later writes, ends and aborts change nothing', async () => {
    const usageTap = createUsageTap({ contentType: SSE, contentEncoding: undefined, keepBody: true });
    usageTap.write(Buffer.from(sse(start({ input_tokens: 1 }))));
    const ended = usageTap.end();
    usageTap.write(Buffer.from(sse(delta({ output_tokens: 99 }), STOP)));
    expect(usageTap.abort()).toBe(ended);
    const result = await ended;
    expect(result).toMatchObject({ sawMessageStop: false, usage: { outputTokens: 0 } });
  });

  it('classifies content types', () => {
    expect(responseKind('Text/Event-Stream; charset=utf-8')).toBe('sse');
    expect(responseKind('application/json')).toBe('json');
    expect(responseKind('application/problem+json')).toBe('json');
    expect(responseKind('text/html')).toBe('other');
    expect(responseKind(undefined)).toBe('other');
  });
});
