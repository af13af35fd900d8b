/**
 * Logging in to a Claude subscription the way Claude Code does: OAuth 2.0 authorization code with
 * PKCE (RFC 7636, S256), the code pasted back by hand from Claude's callback page, then exchanged
 * at the token endpoint with a JSON body.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { postTokenGrant, TokenEndpointError, type TokenEndpoint } from './token-endpoint.js';

/** Claude's page that shows the code to paste (`code#state`). */
export const CLAUDE_OAUTH_REDIRECT_URI = 'https://platform.claude.com/oauth/code/callback';

/** The scopes Claude Code asks for. */
export const CLAUDE_OAUTH_SCOPES: readonly string[] = [
  'org:create_api_key',
  'user:profile',
  'user:inference',
  'user:sessions:claude_code',
  'user:mcp_servers',
  'user:file_upload',
];

/** One login attempt's secrets: the verifier stays here, the challenge and state go in the URL. */
export interface PkceLogin {
  verifier: string;
  challenge: string;
  state: string;
}

/** 32 random bytes each, base64url: a 43-character verifier, as RFC 7636 §4.1 recommends. */
export function createPkceLogin(): PkceLogin {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), state: randomBytes(32).toString('base64url') };
}

/** `BASE64URL(SHA256(verifier))`, RFC 7636 §4.2. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface AuthorizeUrlOptions {
  clientId: string;
  login: PkceLogin;
  redirectUri?: string;
  scopes?: readonly string[];
}

/** The URL to open in a browser, with Claude Code's parameters in Claude Code's order. */
export function authorizeUrlOf(base: URL, options: AuthorizeUrlOptions): URL {
  const url = new URL(base);
  const params: [string, string][] = [
    ['code', 'true'],
    ['client_id', options.clientId],
    ['response_type', 'code'],
    ['redirect_uri', options.redirectUri ?? CLAUDE_OAUTH_REDIRECT_URI],
    ['scope', (options.scopes ?? CLAUDE_OAUTH_SCOPES).join(' ')],
    ['code_challenge', options.login.challenge],
    ['code_challenge_method', 'S256'],
    ['state', options.login.state],
  ];
  for (const [name, value] of params) url.searchParams.set(name, value);
  return url;
}

export type PastedCode = { ok: true; code: string } | { ok: false; reason: string };

/**
 * Reads what the user pasted: `code#state` as Claude's callback page shows it, or a bare code.
 * A state that is not this login's means the code was issued for another attempt (or someone
 * else's link), so it is refused before it is ever sent.
 */
export function parsePastedCode(text: string, expectedState: string): PastedCode {
  const trimmed = text.trim();
  const hash = trimmed.indexOf('#');
  const code = hash === -1 ? trimmed : trimmed.slice(0, hash);
  const state = hash === -1 ? undefined : trimmed.slice(hash + 1);
  if (code === '') return { ok: false, reason: 'no authorization code was pasted' };
  if (/\s/.test(code)) return { ok: false, reason: 'the pasted code contains spaces; paste it exactly as shown' };
  if (state !== undefined && state !== expectedState) {
    return { ok: false, reason: 'the pasted code belongs to another login attempt (its state does not match); start again' };
  }
  return { ok: true, code };
}

const loginResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
  account: z.looseObject({ uuid: z.string().min(1).optional(), email_address: z.string().min(1).optional() }).optional(),
});

/** Tokens from a login, with what the endpoint said about the account. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** Epoch ms. */
  expiresAt: number;
  scopes: string[] | undefined;
  account: { uuid: string | undefined; email: string | undefined };
}

export interface AuthorizationCodeGrant {
  code: string;
  login: PkceLogin;
  redirectUri?: string;
}

/** Exchanges a pasted code for tokens. @throws TokenEndpointError (never quoting the code). */
export async function exchangeAuthorizationCode(endpoint: TokenEndpoint, grant: AuthorizationCodeGrant): Promise<IssuedTokens> {
  const json = await postTokenGrant(endpoint, {
    grant_type: 'authorization_code',
    code: grant.code,
    state: grant.login.state,
    redirect_uri: grant.redirectUri ?? CLAUDE_OAUTH_REDIRECT_URI,
    code_verifier: grant.login.verifier,
  });
  const parsed = loginResponse.safeParse(json);
  if (!parsed.success) throw new TokenEndpointError('the token endpoint answered without an access_token');
  const { data } = parsed;
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresAt: Date.now() + data.expires_in * 1000,
    scopes: data.scope?.split(' ').filter(Boolean),
    account: { uuid: data.account?.uuid, email: data.account?.email_address },
  };
}
