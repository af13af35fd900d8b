// Wire usage → TokenUsage: field mapping, validation and the cumulative overlay.
import { describe, expect, it } from 'vitest';
import {
  errorFromWire,
  messageDeltaFromWire,
  messageFromWire,
  messageStartFromWire,
  overlayUsage,
  partialUsageFromWire,
  usageFromWire,
  type PartialUsage,
} from './usage-from-wire.js';

function partial(raw: unknown): PartialUsage {
  const read = partialUsageFromWire(raw);
  if (!read.ok || read.value === null) throw new Error(`not usage: ${JSON.stringify(raw)}`);
  return read.value;
}

describe('usageFromWire', () => {
  it('maps every documented field', () => {
    expect(
      usageFromWire({
        input_tokens: 12,
        output_tokens: 345,
        cache_creation_input_tokens: 1000,
        cache_read_input_tokens: 20000,
        cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 800 },
        server_tool_use: { web_search_requests: 2, web_fetch_requests: 1 },
        service_tier: 'standard',
        inference_geo: 'us',
      }),
    ).toEqual({
      inputTokens: 12,
      outputTokens: 345,
      cacheWriteTokens: 1000,
      cacheWrite5mTokens: 200,
      cacheWrite1hTokens: 800,
      cacheReadTokens: 20000,
      serverToolUse: { web_search_requests: 2, web_fetch_requests: 1 },
      serviceTier: 'standard',
      inferenceGeo: 'us',
    });
  });

  it('fills missing fields with 0 and null, leaving the 5m/1h split at 0 when no cache_creation breakdown was sent', () => {
    expect(usageFromWire({ output_tokens: 7, cache_creation_input_tokens: 50, cache_creation: null, service_tier: null })).toEqual({
      inputTokens: 0,
      outputTokens: 7,
      cacheWriteTokens: 50,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
      serverToolUse: {},
      serviceTier: null,
      inferenceGeo: null,
    });
  });

  it('ignores unknown fields and copies only count-like server_tool_use entries', () => {
    const usage = usageFromWire({
      input_tokens: 1,
      brand_new_counter: 9,
      server_tool_use: { web_search_requests: 3, label: 'x', fraction: 0.5, negative: -1, nested: { a: 1 } },
    });
    expect(usage?.serverToolUse).toEqual({ web_search_requests: 3 });
    expect(usage).not.toHaveProperty('brand_new_counter');
  });

  it.each([
    ['a negative count', { input_tokens: -1 }],
    ['a fractional count', { output_tokens: 1.5 }],
    ['a count sent as a string', { output_tokens: '12' }],
    ['a non-object', 42],
  ])('rejects %s instead of recording a wrong number', (_name, raw) => {
    expect(partialUsageFromWire(raw)).toEqual({ ok: false, invalid: true });
    expect(usageFromWire(raw)).toBeNull();
  });

  it('treats an absent usage object as no usage, not as zero usage', () => {
    expect(partialUsageFromWire(undefined)).toEqual({ ok: true, value: null });
    expect(usageFromWire(null)).toBeNull();
  });
});

describe('overlayUsage', () => {
  it('lets each field the later report sent win, and keeps the earlier value where it sent null or nothing', () => {
    const start = partial({
      input_tokens: 10,
      output_tokens: 1,
      cache_creation: { ephemeral_5m_input_tokens: 5, ephemeral_1h_input_tokens: 0 },
      server_tool_use: { web_search_requests: 0, web_fetch_requests: 4 },
      service_tier: 'standard',
      inference_geo: 'us',
    });
    const delta = partial({
      output_tokens: 90,
      cache_creation_input_tokens: 30,
      cache_creation: { ephemeral_1h_input_tokens: 25 },
      server_tool_use: { web_search_requests: 2 },
      inference_geo: null,
    });
    expect(overlayUsage(start, delta)).toEqual({
      inputTokens: 10,
      outputTokens: 90,
      cacheWriteTokens: 30,
      cacheWrite5mTokens: 5,
      cacheWrite1hTokens: 25,
      cacheReadTokens: null,
      serverToolUse: { web_search_requests: 2, web_fetch_requests: 4 },
      serviceTier: 'standard',
      inferenceGeo: 'us',
    });
  });
});

describe('wire messages and events', () => {
  it('reads a Message body', () => {
    const read = messageFromWire({
      type: 'message',
      id: 'msg_1',
      model: 'claude-opus-5-5',
      stop_reason: 'end_turn',
      content: [],
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    expect(read.ok && read.value).toMatchObject({ id: 'msg_1', model: 'claude-opus-5-5', stopReason: 'end_turn' });
    expect(read.ok && read.value.usage?.outputTokens).toBe(4);
  });

  it('says "not a message" (not invalid) for other JSON', () => {
    expect(messageFromWire({ data: [], has_more: false })).toEqual({ ok: false, invalid: false });
    expect(messageFromWire({ input_tokens: 5 })).toEqual({ ok: false, invalid: false });
  });

  it('flags a message whose usage has bad counts as invalid', () => {
    expect(messageFromWire({ type: 'message', usage: { input_tokens: -5 } })).toEqual({ ok: false, invalid: true });
    expect(messageStartFromWire({ type: 'message_start', message: { usage: { output_tokens: 'x' } } })).toEqual({
      ok: false,
      invalid: true,
    });
  });

  it('reads message_delta with and without usage', () => {
    const withUsage = messageDeltaFromWire({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 8 } });
    expect(withUsage.ok && withUsage.value.stopReason).toBe('tool_use');
    expect(withUsage.ok && withUsage.value.usage?.outputTokens).toBe(8);
    const bare = messageDeltaFromWire({ type: 'message_delta', delta: {} });
    expect(bare).toEqual({ ok: true, value: { stopReason: null, usage: null } });
  });

  it('reads the error type of an error body and rejects other shapes', () => {
    expect(errorFromWire({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' })).toEqual({
      ok: true,
      value: { errorType: 'overloaded_error' },
    });
    expect(errorFromWire({ type: 'error', error: 'boom' }).ok).toBe(false);
  });
});
