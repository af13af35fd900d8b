import { describe, expect, it } from 'vitest';
import { assembleStream } from './sse-message.js';

const sse = (events: [string, unknown][]): string => events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

const START = ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [], stop_reason: null, usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } }] as [string, unknown];

describe('assembleStream', () => {
  it('grows each block by its deltas and ends with the stop reason and the final usage', () => {
    const text = sse([
      START,
      ['ping', { type: 'ping' }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Weather ' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'first.' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig==' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Checking' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: ' now.' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      ['content_block_start', { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": "Pa' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'ris"}' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 2 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } }],
      ['message_stop', { type: 'message_stop' }],
    ]);
    const assembled = assembleStream(text);
    expect(assembled).toMatchObject({ complete: true, error: null, events: 17 });
    expect(assembled.message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-5-5',
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 42 },
      content: [
        { type: 'thinking', thinking: 'Weather first.', signature: 'sig==' },
        { type: 'text', text: 'Checking now.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
  });

  it('keeps what a stream cut short had: incomplete, the unfinished tool input as text', () => {
    const whole = sse([
      START,
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_2', name: 'bash', input: {} } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"command": "ls' } }],
    ]);
    // Cut in the middle of the last event, as the storage cap would.
    const assembled = assembleStream(`${whole}event: content_block_delta\ndata: {"type":"content_blo`);
    expect(assembled.complete).toBe(false);
    expect(assembled.message?.content).toEqual([{ type: 'tool_use', id: 'toolu_2', name: 'bash', input: '{"command": "ls' }]);
  });

  it('reports an error event', () => {
    const assembled = assembleStream(sse([START, ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]]));
    expect(assembled.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(assembled.complete).toBe(false);
  });

  it('gives no message for a body with no events', () => {
    expect(assembleStream('')).toEqual({ message: null, error: null, events: 0, complete: false });
  });
});
