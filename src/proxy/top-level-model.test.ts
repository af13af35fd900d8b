import { describe, expect, it } from 'vitest';
import { TopLevelModelScanner, type TopLevelModels } from './top-level-model.js';

/** Scans `text` cut into pieces of `size` bytes (1 = every byte boundary). */
function scan(text: string, size = 1_000_000): TopLevelModels {
  const bytes = Buffer.from(text);
  const scanner = new TopLevelModelScanner();
  for (let i = 0; i < bytes.length; i += size) scanner.write(bytes.subarray(i, i + size));
  return scanner.result();
}

describe('TopLevelModelScanner', () => {
  it('finds the top-level model wherever it sits, across every chunk boundary', () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi "model"' }], max_tokens: 5, model: 'claude-sonnet-4-5', stream: true });
    for (const size of [1, 2, 3, 7, 64]) expect(scan(body, size).models).toEqual(['claude-sonnet-4-5']);
  });

  it('ignores a "model" nested in messages or tool input (a client cannot hide its real model behind one)', () => {
    const body = JSON.stringify({
      messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'x', input: { model: 'claude-haiku-4-5' } }] }],
      model: 'claude-opus-4-5',
    });
    expect(scan(body, 5).models).toEqual(['claude-opus-4-5']);
  });

  it('reports every top-level model of a body that repeats the key, so a check sees them all', () => {
    expect(scan('{"model":"claude-haiku-4-5","messages":[],"model":"claude-opus-4-5"}', 3).models).toEqual(['claude-haiku-4-5', 'claude-opus-4-5']);
  });

  it('handles escaped quotes and backslash runs inside strings, split anywhere', () => {
    const body = '{"system":"a \\\\\\" b \\\\","model":"claude-\\u0068aiku-4-5"}';
    expect(JSON.parse(body)).toMatchObject({ model: 'claude-haiku-4-5' });
    for (const size of [1, 2, 3, 4, 5]) expect(scan(body, size).models).toEqual(['claude-haiku-4-5']);
  });

  it('flags a model that is not a string, and finds none in a body without one', () => {
    expect(scan('{"model":["claude-opus-4-5"],"messages":[]}').nonString).toBe(true);
    expect(scan('{"model": 5}').nonString).toBe(true);
    expect(scan('{"messages":[{"model":"x"}]}')).toEqual({ models: [], nonString: false });
  });
});
