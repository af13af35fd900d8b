// The authorization-code half of Claude's OAuth: what the browser page would hand out, and the PKCE check at redemption.
import { createHash } from 'node:crypto';
import { newId } from './ids.js';
import type { AuthorizedCode } from './types.js';

/** The account every fake login belongs to, as the token endpoint reports it. */
export const FAKE_ACCOUNT = { uuid: '5f0c8f4e-2b7a-4c1d-9e3f-7a6b5c4d3e2f', email: 'dev@example.com' } as const;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  state: string;
  scope: string;
}

export interface CodeRedemption {
  code: unknown;
  codeVerifier: unknown;
  clientId: unknown;
  redirectUri: unknown;
  state: unknown;
}

export interface AuthorizationCodes {
  /** Plays the consent page: checks the URL as the real one would and returns the code it would show. */
  authorize(url: string | URL): AuthorizedCode;
  /** Consumes the code (once, whatever the outcome); returns its scope, or why it is refused. */
  redeem(grant: CodeRedemption): { ok: true; scope: string } | { ok: false; error: string; description: string };
}

const REQUIRED = ['client_id', 'response_type', 'redirect_uri', 'scope', 'code_challenge', 'code_challenge_method', 'state'];

/** `authorizePage` is the URL the fake stands for (`<fake>/oauth/authorize`), so a test proves the configured URL is used. */
export function createAuthorizationCodes(authorizePage: () => string): AuthorizationCodes {
  const pending = new Map<string, PendingCode>();
  return {
    authorize(input) {
      const url = new URL(input);
      if (`${url.origin}${url.pathname}` !== authorizePage()) throw new Error(`not this fake's authorize page: ${url.origin}${url.pathname}`);
      const params = url.searchParams;
      const missing = REQUIRED.filter((name) => (params.get(name) ?? '') === '');
      if (missing.length > 0) throw new Error(`authorize URL lacks ${missing.join(', ')}`);
      if (params.get('response_type') !== 'code') throw new Error('response_type must be code');
      if (params.get('code_challenge_method') !== 'S256') throw new Error('code_challenge_method must be S256');
      const challenge = params.get('code_challenge') ?? '';
      // RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters.
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) throw new Error('code_challenge is not an S256 challenge');
      const code = newId('fake-code-', 24);
      const state = params.get('state') ?? '';
      pending.set(code, {
        clientId: params.get('client_id') ?? '',
        redirectUri: params.get('redirect_uri') ?? '',
        challenge,
        state,
        scope: params.get('scope') ?? '',
      });
      return { code, state, pasteText: `${code}#${state}` };
    },

    redeem(grant) {
      const entry = typeof grant.code === 'string' ? pending.get(grant.code) : undefined;
      if (entry === undefined) return { ok: false, error: 'invalid_grant', description: 'Invalid or already used authorization code' };
      pending.delete(grant.code as string);
      if (grant.clientId !== entry.clientId) return { ok: false, error: 'invalid_grant', description: 'client_id does not match the authorization request' };
      if (grant.redirectUri !== entry.redirectUri) return { ok: false, error: 'invalid_grant', description: 'Redirect URI mismatch' };
      if (grant.state !== entry.state) return { ok: false, error: 'invalid_grant', description: 'State mismatch' };
      const verifier = typeof grant.codeVerifier === 'string' ? grant.codeVerifier : '';
      if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== entry.challenge) {
        return { ok: false, error: 'invalid_grant', description: 'Invalid code verifier' };
      }
      return { ok: true, scope: entry.scope };
    },
  };
}
