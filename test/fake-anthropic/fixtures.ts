// Realistic Messages API payloads: the Message object, its SSE stream, and the model list.
import { streamErrorData } from './errors.js';
import { newId } from './ids.js';
import type { SseEvent, Usage } from './types.js';

export const DEFAULT_MODEL = 'claude-opus-5-5';
export const DEFAULT_TEXT = 'Hello from the fake Anthropic API.';

/** Non-zero in every bucket so a test can tell which field a proxy read or dropped. */
export const DEFAULT_USAGE: Usage = Object.freeze({
  input_tokens: 42,
  cache_creation_input_tokens: 1500,
  cache_read_input_tokens: 20000,
  cache_creation: Object.freeze({ ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 }),
  output_tokens: 12,
  service_tier: 'standard',
});

export interface MessageOptions {
  model?: string | undefined;
  text?: string | undefined;
  usage?: Partial<Usage> | undefined;
  id?: string | undefined;
}

export interface StreamOptions extends MessageOptions {
  /** Send a `ping` after `message_start`, as the real API does. Default true. */
  includePing?: boolean | undefined;
}

/** A usage object with only the given fields non-zero (for figures a test sums by hand). */
export function usageWith(partial: Partial<Usage>): Usage {
  return { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, output_tokens: 0, service_tier: 'standard', ...partial };
}

function usageOf(partial: Partial<Usage> | undefined): Usage {
  return { ...DEFAULT_USAGE, ...partial, cache_creation: { ...(partial?.cache_creation ?? DEFAULT_USAGE.cache_creation) } };
}

/** A complete non-streaming Message, as returned by `POST /v1/messages`. */
export function messageJson(opts: MessageOptions = {}): object {
  return {
    id: opts.id ?? newId('msg_01'),
    type: 'message',
    role: 'assistant',
    model: opts.model ?? DEFAULT_MODEL,
    content: [{ type: 'text', text: opts.text ?? DEFAULT_TEXT }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usageOf(opts.usage),
  };
}

/** The opening of a stream: message_start carries the input side of usage and output_tokens 1. */
export function messageStartEvent(opts: MessageOptions = {}): SseEvent {
  const message = {
    ...messageJson(opts),
    content: [],
    stop_reason: null,
    usage: { ...usageOf(opts.usage), output_tokens: 1 },
  };
  return { event: 'message_start', data: { type: 'message_start', message } };
}

export function textBlockStartEvent(index = 0): SseEvent {
  return { event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } };
}

export function textDeltaEvent(text: string, index = 0): SseEvent {
  return { event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } } };
}

/** message_delta usage is cumulative and, in current API versions, repeats the input-side counts. */
export function messageDeltaEvent(usage: Partial<Usage> | undefined): SseEvent {
  const u = usageOf(usage);
  const deltaUsage = {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    output_tokens: u.output_tokens,
  };
  return {
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: deltaUsage },
  };
}

/** The closing events after the last content block. */
export function streamTailEvents(usage: Partial<Usage> | undefined, index = 0): SseEvent[] {
  return [
    { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
    messageDeltaEvent(usage),
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

/** A full, realistic stream: start, ping, one text block split into word deltas, delta, stop. */
export function messageStreamEvents(opts: StreamOptions = {}): SseEvent[] {
  const words = (opts.text ?? DEFAULT_TEXT).split(/(?=\s)/).filter((w) => w !== '');
  return [
    messageStartEvent(opts),
    ...(opts.includePing === false ? [] : [{ event: 'ping', data: { type: 'ping' } }]),
    textBlockStartEvent(),
    ...words.map((w) => textDeltaEvent(w)),
    ...streamTailEvents(opts.usage),
  ];
}

/** A stream that fails after a 200: one delta, then an `error` event, then the connection ends. */
export function midstreamErrorEvents(opts: MessageOptions = {}): SseEvent[] {
  return [
    messageStartEvent(opts),
    textBlockStartEvent(),
    textDeltaEvent('Hello'),
    { event: 'error', data: streamErrorData('overloaded_error', 'Overloaded') },
  ];
}
