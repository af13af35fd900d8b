/** The real Anthropic SDK works through the proxy: create, stream, countTokens, models, errors. */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_TEXT } from '../fake-anthropic/index.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const CLIENT_KEY = 'cnp_sdk_client_key_0123456789';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.writeCredentials('127.0.0.1', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY });
});
afterEach(async () => {
  await h.close();
});

const modes = [
  // 127.0.0.1 has a credentials file: the SDK holds only the client key.
  { mode: 'managed', baseURL: () => h.url, apiKey: CLIENT_KEY },
  // localhost has none: the SDK's own key passes through.
  { mode: 'passthrough', baseURL: () => `http://localhost:${h.port}`, apiKey: DEFAULT_API_KEY },
];

describe.each(modes)('@anthropic-ai/sdk, $mode', ({ baseURL, apiKey }) => {
  const client = () => new Anthropic({ baseURL: baseURL(), apiKey, maxRetries: 0 });
  const params = { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello' }] };

  it('creates a message', async () => {
    const message = await client().messages.create(params);
    expect(message.content[0]).toMatchObject({ type: 'text', text: DEFAULT_TEXT });
    expect(message.usage.input_tokens).toBe(42);
    expect(h.fake.received[0]?.headers.authorization ?? h.fake.received[0]?.headers['x-api-key']).toContain(DEFAULT_API_KEY);
  });

  it('streams a message, text deltas and final usage intact', async () => {
    const stream = client().messages.stream(params);
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe(DEFAULT_TEXT);
    expect(final.usage).toMatchObject({ input_tokens: 42, output_tokens: 12, cache_read_input_tokens: 20000 });
  });

  it('counts tokens and lists models', async () => {
    const count = await client().messages.countTokens({ model: params.model, messages: params.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const model of client().models.list({ limit: 2 })) ids.push(model.id);
    expect(ids).toContain('claude-opus-5-5');
    expect(ids.length).toBeGreaterThan(2);
  });

  it('sees upstream errors as the SDK’s own error classes, with the upstream request id', async () => {
    const rateLimited = client().messages.create({ ...params, messages: [{ role: 'user', content: 'FAKE_RATE_LIMIT' }] });
    await expect(rateLimited).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    const error = (await rateLimited.catch((e: unknown) => e)) as InstanceType<typeof Anthropic.RateLimitError>;
    expect(error.headers.get('retry-after')).toBe('7');
    expect(error.requestID).toMatch(/^req_/);
    expect(error.requestID).not.toMatch(/^req_nexus/);

    await expect(client().messages.create({ ...params, messages: [{ role: 'user', content: 'FAKE_OVERLOADED' }] })).rejects.toMatchObject({ status: 529 });
  });

  it('sees a mid-stream error event as an error, after the text that came before it', async () => {
    const stream = client().messages.stream({ ...params, messages: [{ role: 'user', content: 'FAKE_MIDSTREAM_ERROR' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/i);
  });
});

describe('@anthropic-ai/sdk against a managed domain with a wrong key', () => {
  it('gets an AuthenticationError in the API shape from the proxy', async () => {
    const client = new Anthropic({ baseURL: h.url, apiKey: 'cnp_wrong', maxRetries: 0 });
    const error = await client.messages.create({ model: 'claude-opus-5-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid client key for 127.0.0.1.' },
    });
    expect(h.fake.received).toHaveLength(0);
  });
});
