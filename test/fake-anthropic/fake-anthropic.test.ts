// The fake checked against the real @anthropic-ai/sdk: if the SDK parses it, a proxy will meet the same bytes.
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_API_KEY,
  DEFAULT_TEXT,
  DEFAULT_USAGE,
  type FakeAnthropic,
  OAUTH_BETA,
  startFakeAnthropic,
} from './index.js';

const ACCESS = 'sk-ant-oat01-test-access';
const REFRESH = 'sk-ant-ort01-test-refresh';
const ask = (text: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model: 'claude-opus-5-5',
  max_tokens: 64,
  messages: [{ role: 'user', content: text }],
});

let fake: FakeAnthropic;
let client: Anthropic;

beforeEach(async () => {
  fake = await startFakeAnthropic({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] });
  client = new Anthropic({ baseURL: fake.url, apiKey: DEFAULT_API_KEY, maxRetries: 0, timeout: 10_000 });
});
afterEach(async () => {
  await fake.close();
});

describe('fake Anthropic API through the real SDK', () => {
  it('answers messages.create with a Message and full usage, recording the exact request', async () => {
    const message = await client.messages.create({ ...ask('hi'), model: 'claude-sonnet-5-5' });
    expect(message.content).toEqual([{ type: 'text', text: DEFAULT_TEXT }]);
    expect(message.model).toBe('claude-sonnet-5-5');
    expect(message.usage.cache_read_input_tokens).toBe(DEFAULT_USAGE.cache_read_input_tokens);
    expect(message.usage.cache_creation?.ephemeral_1h_input_tokens).toBe(1000);
    const [request] = fake.received;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
    expect(JSON.parse(request?.body.toString() ?? '{}')).toMatchObject({ model: 'claude-sonnet-5-5', max_tokens: 64 });
  });

  it('streams a message whose final usage overlays message_delta on message_start', async () => {
    const stream = client.messages.stream(ask('hi'));
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(DEFAULT_TEXT);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({
      input_tokens: DEFAULT_USAGE.input_tokens,
      cache_creation_input_tokens: DEFAULT_USAGE.cache_creation_input_tokens,
      output_tokens: DEFAULT_USAGE.output_tokens,
      service_tier: 'standard',
    });
  });

  it('matches /v1/messages?beta=true (as Claude Code posts) on the path and records the full url', async () => {
    const headers = { 'anthropic-beta': 'claude-code-20250219,context-1m-2025-08-07' };
    const message = await client.messages.create(ask('hi'), { query: { beta: 'true' }, headers });
    expect(message.type).toBe('message');
    expect(fake.received[0]?.url).toBe('/v1/messages?beta=true');
    expect(fake.received[0]?.path).toBe('/v1/messages');
    expect(fake.received[0]?.headers['anthropic-beta']).toBe(headers['anthropic-beta']);
  });

  it('counts tokens and lists models with pagination', async () => {
    const count = await client.messages.countTokens({ model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'hi' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    const firstPage = await client.models.list({ limit: 2 });
    expect(firstPage.data.map((m) => m.id)).toEqual(['claude-opus-5-5', 'claude-sonnet-5-5']);
    const all: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) all.push(model.id);
    expect(all).toHaveLength(4);
    await expect(client.models.retrieve('claude-nope')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('maps a bad key to AuthenticationError carrying the request id', async () => {
    const bad = new Anthropic({ baseURL: fake.url, apiKey: 'sk-ant-api03-wrong', maxRetries: 0 });
    const error: unknown = await bad.messages.create(ask('hi')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const apiError = error as InstanceType<typeof Anthropic.AuthenticationError>;
    expect(apiError.status).toBe(401);
    expect(apiError.requestID).toMatch(/^req_/);
    expect(apiError.error).toMatchObject({ type: 'error', request_id: apiError.requestID });
  });

  it('maps the FAKE_RATE_LIMIT trigger to RateLimitError with retry-after', async () => {
    const error: unknown = await client.messages.create(ask('please FAKE_RATE_LIMIT')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('7');
    expect(fake.received).toHaveLength(1);
  });

  it('maps FAKE_OVERLOADED to 529 and FAKE_MIDSTREAM_ERROR to an error after a 200', async () => {
    await expect(client.messages.create(ask('FAKE_OVERLOADED'))).rejects.toMatchObject({ status: 529 });
    const stream = client.messages.stream(ask('FAKE_MIDSTREAM_ERROR'));
    await expect(stream.finalMessage()).rejects.toMatchObject({ type: 'overloaded_error' });
  });

  it('accepts an OAuth token only with the oauth beta, and sends unified limits', async () => {
    const withBeta = new Anthropic({ baseURL: fake.url, authToken: ACCESS, maxRetries: 0, defaultHeaders: { 'anthropic-beta': OAUTH_BETA } });
    const { response } = await withBeta.messages.create(ask('hi')).withResponse();
    expect(response.headers.get('anthropic-ratelimit-unified-status')).toBe('allowed');
    expect(Number(response.headers.get('anthropic-ratelimit-unified-5h-reset'))).toBeGreaterThan(Date.now() / 1000);
    const withoutBeta = new Anthropic({ baseURL: fake.url, authToken: ACCESS, maxRetries: 0 });
    await expect(withoutBeta.messages.create(ask('hi'))).rejects.toMatchObject({
      status: 401,
      error: { error: { type: 'authentication_error', message: 'OAuth authentication is currently not supported.' } },
    });
  });

  it('streams a large-sse script through the SDK intact', async () => {
    fake.next({ kind: 'large-sse', totalBytes: 1_000_000 });
    const final = await client.messages.stream(ask('big')).finalMessage();
    const block = final.content[0];
    expect(block?.type === 'text' ? block.text.length : 0).toBe(1_000_000);
    expect(final.usage.output_tokens).toBe(250_000);
  });
});
