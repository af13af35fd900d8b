import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, OAUTH_BETA, presentedCredential, upstreamRequestHeaders } from './headers.js';

const raw = [
  'Host', 'localhost:3000',
  'Connection', 'keep-alive, X-Hop',
  'X-Hop', 'drop me',
  'Keep-Alive', 'timeout=5',
  'Transfer-Encoding', 'chunked',
  'anthropic-version', '2023-06-01',
  'anthropic-beta', 'claude-code-20250219,interleaved-thinking-2025-05-14',
  'x-api-key', 'client-key',
  'X-Claude-Code-Session-Id', 'abc',
  'Accept-Encoding', 'gzip, deflate, br, zstd',
];

function asPairs(flat: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] ?? '', flat[i + 1] ?? '']);
  return pairs;
}

describe('upstreamRequestHeaders', () => {
  it('passthrough keeps every end-to-end header, the client credential included, in order and case', () => {
    expect(asPairs(upstreamRequestHeaders(raw, { auth: null }))).toEqual([
      ['anthropic-version', '2023-06-01'],
      ['anthropic-beta', 'claude-code-20250219,interleaved-thinking-2025-05-14'],
      ['x-api-key', 'client-key'],
      ['X-Claude-Code-Session-Id', 'abc'],
      ['Accept-Encoding', 'gzip, deflate, br, zstd'],
    ]);
  });

  it('managed api_key replaces the client credential', () => {
    const pairs = asPairs(upstreamRequestHeaders([...raw, 'Authorization', 'Bearer x'], { auth: { kind: 'api_key', apiKey: 'sk-real' } }));
    expect(pairs.filter(([name]) => /^(x-api-key|authorization)$/i.test(name))).toEqual([['x-api-key', 'sk-real']]);
  });

  it('managed oauth appends the OAuth beta to what the client sent', () => {
    const pairs = asPairs(upstreamRequestHeaders(raw, { auth: { kind: 'oauth', accessToken: 'tok' } }));
    expect(pairs).toContainEqual(['authorization', 'Bearer tok']);
    expect(pairs).toContainEqual(['anthropic-beta', `claude-code-20250219,interleaved-thinking-2025-05-14,${OAUTH_BETA}`]);
    expect(pairs.filter(([name]) => name.toLowerCase() === 'anthropic-beta')).toHaveLength(1);
  });

  it('adds the OAuth beta once: not when present, and as its own header when none was sent', () => {
    const already = upstreamRequestHeaders(['anthropic-beta', `a, ${OAUTH_BETA}`], { auth: { kind: 'oauth', accessToken: 't' } });
    expect(asPairs(already)).toContainEqual(['anthropic-beta', `a, ${OAUTH_BETA}`]);
    const none = upstreamRequestHeaders([], { auth: { kind: 'oauth', accessToken: 't' } });
    expect(asPairs(none)).toContainEqual(['anthropic-beta', OAUTH_BETA]);
  });
});

describe('clientResponseHeaders', () => {
  it('drops hop-by-hop headers and keeps repeated ones', () => {
    const out = clientResponseHeaders({
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'request-id': 'req_1',
      'set-cookie': ['a=1', 'b=2'],
      'anthropic-ratelimit-unified-5h-utilization': '0.42',
    });
    expect(asPairs(out)).toEqual([
      ['request-id', 'req_1'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['anthropic-ratelimit-unified-5h-utilization', '0.42'],
    ]);
  });
});

describe('presentedCredential', () => {
  it('reads x-api-key first, then a Bearer token', () => {
    expect(presentedCredential({ 'x-api-key': 'k1', authorization: 'Bearer k2' })).toBe('k1');
    expect(presentedCredential({ authorization: 'bearer k2' })).toBe('k2');
    expect(presentedCredential({ authorization: 'Basic abc' })).toBeUndefined();
    expect(presentedCredential({})).toBeUndefined();
  });
});
