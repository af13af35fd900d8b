// POST /v1/oauth/token: the refresh_token grant, with rotation (a used refresh token is dead), and
// the authorization_code grant of a PKCE login.
import { FAKE_ACCOUNT, type AuthorizationCodes } from './authorize.js';
import type { CredentialStore } from './credentials.js';
import { type Exchange, sendJson } from './exchange.js';
import { pause } from './sse.js';

export interface TokenEndpointOptions {
  store: CredentialStore;
  codes: AuthorizationCodes;
  delayMs: number;
  ttlSeconds: number;
}

/** OAuth 2.0 error responses (RFC 6749 §5.2), which this endpoint uses instead of Anthropic's shape. */
function oauthError(ex: Exchange, error: string, description: string): void {
  sendJson(ex, 400, { error, error_description: description });
}

function parseGrant(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rotates on arrival, then waits `delayMs` before answering: a client that gives up during the
 * delay has still burnt its refresh token, as with the real server.
 */
export async function handleTokenRequest(ex: Exchange, opts: TokenEndpointOptions): Promise<void> {
  const grant = parseGrant(ex.record.body);
  if (grant === undefined) {
    oauthError(ex, 'invalid_request', 'Request body must be a JSON object');
    return;
  }
  if (grant.grant_type !== 'refresh_token' && grant.grant_type !== 'authorization_code') {
    oauthError(ex, 'unsupported_grant_type', 'Only refresh_token and authorization_code are supported by the fake');
    return;
  }
  if (typeof grant.client_id !== 'string' || grant.client_id === '') {
    oauthError(ex, 'invalid_request', 'Missing client_id');
    return;
  }
  if (grant.grant_type === 'authorization_code') {
    handleCodeGrant(ex, grant, opts);
    return;
  }
  const pair = typeof grant.refresh_token === 'string' ? opts.store.rotate(grant.refresh_token) : undefined;
  if (opts.delayMs > 0) await pause(opts.delayMs, ex.res);
  if (ex.res.destroyed) return;
  if (pair === undefined) {
    oauthError(ex, 'invalid_grant', 'Refresh token not found or invalid');
    return;
  }
  sendJson(ex, 200, {
    token_type: 'Bearer',
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    expires_in: opts.ttlSeconds,
    scope: 'user:inference user:profile',
  });
}

/** RFC 6749 §4.1.3 with RFC 7636 §4.6: the code once, for its client and redirect URI, with the right verifier. */
function handleCodeGrant(ex: Exchange, grant: Record<string, unknown>, opts: TokenEndpointOptions): void {
  const redeemed = opts.codes.redeem({
    code: grant.code,
    codeVerifier: grant.code_verifier,
    clientId: grant.client_id,
    redirectUri: grant.redirect_uri,
    state: grant.state,
  });
  if (!redeemed.ok) {
    oauthError(ex, redeemed.error, redeemed.description);
    return;
  }
  const pair = opts.store.issue();
  sendJson(ex, 200, {
    token_type: 'Bearer',
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    expires_in: opts.ttlSeconds,
    scope: redeemed.scope,
    organization: { uuid: '0b6ad5a4-8c4e-4f3c-9e61-5f1f2f6a7c11', name: "dev@example.com's Organization" },
    account: { uuid: FAKE_ACCOUNT.uuid, email_address: FAKE_ACCOUNT.email },
  });
}
