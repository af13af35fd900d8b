import { describe, expect, it } from 'vitest';
import { authorizeUrlOf, createPkceLogin, parsePastedCode, pkceChallenge } from './oauth-login.js';

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh 43-character verifier and state for each login', () => {
    const [a, b] = [createPkceLogin(), createPkceLogin()];
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.state).not.toBe(b.state);
  });
});

describe('authorizeUrlOf', () => {
  it('carries Claude Code’s parameters and never the verifier', () => {
    const login = createPkceLogin();
    const url = authorizeUrlOf(new URL('https://claude.ai/oauth/authorize'), { clientId: 'client-1', login });
    expect(url.origin + url.pathname).toBe('https://claude.ai/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      code: 'true',
      client_id: 'client-1',
      response_type: 'code',
      redirect_uri: 'https://platform.claude.com/oauth/code/callback',
      scope: 'org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload',
      code_challenge: login.challenge,
      code_challenge_method: 'S256',
      state: login.state,
    });
    expect(url.href).not.toContain(login.verifier);
  });
});

describe('parsePastedCode', () => {
  it('accepts code#state and a bare code', () => {
    expect(parsePastedCode(' abc123#the-state \n', 'the-state')).toEqual({ ok: true, code: 'abc123' });
    expect(parsePastedCode('abc123', 'the-state')).toEqual({ ok: true, code: 'abc123' });
  });

  it.each([
    ['abc#other-state', /another login attempt/],
    ['', /no authorization code/],
    ['#the-state', /no authorization code/],
    ['ab c#the-state', /spaces/],
  ])('refuses %j', (text, reason) => {
    const parsed = parsePastedCode(text, 'the-state');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
