import { describe, expect, it } from 'vitest';
import { requestViewOf, responseViewOf, RENDER_LIMITS, type RequestView, type ResponseView } from './message-view.js';

const PNG = Buffer.alloc(3000, 7).toString('base64');

function request(body: unknown, limits = RENDER_LIMITS): RequestView {
  const view = requestViewOf(JSON.stringify(body), limits);
  if ('unreadable' in view) throw new Error(view.unreadable);
  return view;
}

function response(text: string, contentType: string | null = 'application/json'): ResponseView {
  const view = responseViewOf(text, contentType);
  if ('unreadable' in view) throw new Error(view.unreadable);
  return view;
}

describe('requestViewOf', () => {
  it('shows the system prompt, tools, parameters and every kind of block, images as their size only', () => {
    const view = request({
      model: 'claude-opus-5-5',
      max_tokens: 1024,
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'get_weather', description: 'Weather for a city.\nMore lines.', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use the tool.', signature: 'x' },
            { type: 'redacted_thinking', data: 'abc' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: [{ type: 'text', text: 'timeout' }] }] },
        { role: 'user', content: [{ type: 'document', title: 'spec', source: { type: 'url', url: 'https://example.com/a.pdf' } }, { type: 'mystery', data: 'x'.repeat(500) }] },
      ],
    });
    expect(view.model).toBe('claude-opus-5-5');
    expect(view.params).toEqual([
      ['max_tokens', '1024'],
      ['stream', 'true'],
      ['thinking', '{"type":"enabled","budget_tokens":2000}'],
    ]);
    expect(view.system).toEqual([{ kind: 'text', text: { text: 'You are terse.', cut: 0 } }]);
    expect(view.tools).toEqual([{ name: 'get_weather', description: 'Weather for a city.' }]);
    expect(view.messages.map((m) => [m.index, m.role, m.blocks.map((b) => b.kind)])).toEqual([
      [0, 'user', ['text', 'media']],
      [1, 'assistant', ['thinking', 'thinking', 'tool_use']],
      [2, 'user', ['tool_result']],
      [3, 'user', ['media', 'other']],
    ]);
    expect(view.messages[0]?.blocks[1]).toEqual({ kind: 'media', type: 'image', mediaType: 'image/png', bytes: 3000, source: 'base64', title: null });
    expect(view.messages[1]?.blocks[2]).toEqual({ kind: 'tool_use', type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { text: '{\n  "city": "Paris"\n}', cut: 0 } });
    expect(view.messages[2]?.blocks[0]).toMatchObject({ kind: 'tool_result', toolUseId: 'toolu_1', isError: true, content: [{ kind: 'text', text: { text: 'timeout' } }] });
    expect(view.messages[3]?.blocks[0]).toMatchObject({ kind: 'media', type: 'document', source: 'url https://example.com/a.pdf', title: 'spec', bytes: null });
    // No image bytes, nor any other inline data, reach the page.
    expect(JSON.stringify(view)).not.toContain(PNG.slice(0, 40));
    expect(JSON.stringify(view)).not.toContain('x'.repeat(300));
    expect(view.clipped).toBe(false);
  });

  it('shows the last messages only, and cuts long blocks, saying how much was left out', () => {
    const limits = { blockChars: 10, totalChars: 25, messages: 2, tools: 1 };
    const view = request({ messages: [{ role: 'user', content: 'first' }, { role: 'assistant', content: 'a'.repeat(30) }, { role: 'user', content: 'b'.repeat(30) }] }, limits);
    expect(view.messagesOmitted).toBe(1);
    expect(view.messages.map((m) => m.index)).toEqual([1, 2]);
    expect(view.messages[0]?.blocks[0]).toEqual({ kind: 'text', text: { text: 'a'.repeat(10), cut: 20 } });
    expect(view.messages[1]?.blocks[0]).toEqual({ kind: 'text', text: { text: 'b'.repeat(10), cut: 20 } });
    expect(view.clipped).toBe(true);
    // The whole-body budget runs out too.
    const spent = request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'c'.repeat(10) }, { type: 'text', text: 'd'.repeat(10) }, { type: 'text', text: 'e'.repeat(10) }] }] }, limits);
    expect(spent.messages[0]?.blocks.map((b) => (b.kind === 'text' ? b.text : null))).toEqual([
      { text: 'c'.repeat(10), cut: 0 },
      { text: 'd'.repeat(10), cut: 0 },
      { text: 'e'.repeat(5), cut: 5 },
    ]);
  });

  it('says why a body cannot be shown', () => {
    expect(requestViewOf('{"model": "claude-opus-5-5", "messa')).toEqual({ unreadable: expect.stringContaining('not a JSON object') as unknown });
    expect(requestViewOf('[1, 2]')).toHaveProperty('unreadable');
    expect(responseViewOf('{"type": "mess', 'application/json')).toHaveProperty('unreadable');
  });
});

describe('responseViewOf', () => {
  it('shows a message, its stop reason and usage', () => {
    const view = response(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn', usage: { input_tokens: 3, output_tokens: 1 } }));
    expect(view.message).toEqual({ id: 'msg_1', model: 'm', role: 'assistant', stopReason: 'end_turn', blocks: [{ kind: 'text', text: { text: 'Hi', cut: 0 } }], usage: [['input_tokens', '3'], ['output_tokens', '1']] });
    expect(view.stream).toBeNull();
  });

  it('shows an API error', () => {
    const view = response(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' }));
    expect(view.error).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
    expect(view.message).toBeNull();
  });

  it('assembles a stream, recognised by its content type or by its first line', () => {
    const text = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_2","role":"assistant","model":"m","content":[]}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join('');
    for (const contentType of ['text/event-stream; charset=utf-8', null]) {
      const view = response(text, contentType);
      expect(view.stream).toEqual({ events: 4, complete: true });
      expect(view.message?.blocks).toEqual([{ kind: 'text', text: { text: 'Hello', cut: 0 } }]);
    }
  });
});
