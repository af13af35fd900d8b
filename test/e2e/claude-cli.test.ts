/** The real Claude Code CLI works through the proxy, managed and passthrough, API key and OAuth. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_TEXT } from '../fake-anthropic/index.js';
import { runClaude, type ClaudeJsonResult } from '../support/claude-cli.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const CLIENT_KEY = 'cnp_cli_client_key_0123456789';
const ACCESS = 'sk-ant-oat01-cli-access-token';
const REFRESH = 'sk-ant-ort01-cli-refresh-token';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ fake: { oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] } });
});
afterEach(async () => {
  await h.close();
});

async function ask(baseUrl: string, env: Record<string, string>): Promise<ClaudeJsonResult> {
  const run = await runClaude({ baseUrl, env, args: ['-p', 'Say hello', '--output-format', 'json'] });
  expect(run.code, `claude failed: ${run.stdout} ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as ClaudeJsonResult;
}

function theMessagesRequest() {
  const request = h.fake.received.find((r) => r.path === '/v1/messages');
  expect(request, 'the CLI sent no /v1/messages request').toBeDefined();
  return request;
}

describe('claude -p through the proxy', () => {
  it('passthrough with the client’s own API key', async () => {
    // localhost has no credentials file, so the CLI's own key goes upstream unchanged.
    const result = await ask(`http://localhost:${h.port}`, { ANTHROPIC_API_KEY: DEFAULT_API_KEY });
    expect(result.is_error).toBe(false);
    expect(result.result).toContain(DEFAULT_TEXT);
    expect(result.usage.input_tokens).toBe(42);
    const request = theMessagesRequest();
    expect(request?.url).toBe('/v1/messages?beta=true');
    expect(request?.headers['x-api-key']).toBe(DEFAULT_API_KEY);
    expect(request?.headers['x-claude-code-session-id']).toBe(result.session_id);
    expect(String(request?.headers['anthropic-beta'])).toContain('claude-code-20250219');
  });

  it('passthrough with the client’s own Claude Code OAuth token', async () => {
    const result = await ask(`http://localhost:${h.port}`, { CLAUDE_CODE_OAUTH_TOKEN: ACCESS });
    expect(result.result).toContain(DEFAULT_TEXT);
    const request = theMessagesRequest();
    expect(request?.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(String(request?.headers['anthropic-beta']).split(',')).toContain('oauth-2025-04-20');
  });

  it('managed domain with an API key: the CLI holds only the client key', async () => {
    await h.writeCredentials('127.0.0.1', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY });
    const result = await ask(h.url, { ANTHROPIC_API_KEY: CLIENT_KEY });
    expect(result.result).toContain(DEFAULT_TEXT);
    const request = theMessagesRequest();
    expect(request?.headers['x-api-key']).toBe(DEFAULT_API_KEY);
    expect(JSON.stringify(request?.rawHeaders)).not.toContain(CLIENT_KEY);
  });

  it('managed domain with an OAuth token: the proxy adds the bearer and the OAuth beta', async () => {
    await h.writeCredentials('127.0.0.1', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      client_api_key: CLIENT_KEY,
    });
    const result = await ask(h.url, { ANTHROPIC_AUTH_TOKEN: CLIENT_KEY });
    expect(result.result).toContain(DEFAULT_TEXT);
    const request = theMessagesRequest();
    expect(request?.headers.authorization).toBe(`Bearer ${ACCESS}`);
    const betas = String(request?.headers['anthropic-beta']).split(',');
    expect(betas).toContain('oauth-2025-04-20');
    expect(betas).toContain('claude-code-20250219');
  });

  it('shows the proxy’s 401 to the CLI user when the client key is wrong', async () => {
    await h.writeCredentials('127.0.0.1', { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY });
    const run = await runClaude({ baseUrl: h.url, env: { ANTHROPIC_API_KEY: 'cnp_wrong' }, args: ['-p', 'hi', '--output-format', 'json'] });
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as ClaudeJsonResult & { api_error_status: number };
    expect(result.is_error).toBe(true);
    expect(result.api_error_status).toBe(401);
    expect(h.fake.received.filter((r) => r.path === '/v1/messages')).toHaveLength(0);
  });
});
