// Which API keys and OAuth tokens the fake accepts, and how OAuth refresh tokens rotate.
import type { IncomingHttpHeaders } from 'node:http';
import { newId } from './ids.js';
import type { OAuthPair } from './types.js';

/** The beta flag without which the API refuses OAuth bearer tokens. */
export const OAUTH_BETA = 'oauth-2025-04-20';

export type AuthResult =
  | { ok: true; kind: 'api-key' | 'oauth' }
  | { ok: false; message: string };

export interface CredentialStore {
  addApiKey(key: string): void;
  addOAuth(pair: OAuthPair): void;
  expireAccessToken(token: string): void;
  /** Checks `x-api-key` and `Authorization: Bearer` the way api.anthropic.com does. */
  authenticate(headers: IncomingHttpHeaders): AuthResult;
  /** Consumes a live refresh token and mints a new pair; undefined if it is unknown or used. */
  rotate(refreshToken: string): OAuthPair | undefined;
  /** Mints a new live pair (a login). */
  issue(): OAuthPair;
  currentOAuth(): OAuthPair[];
}

function hasOAuthBeta(headers: IncomingHttpHeaders): boolean {
  const raw = headers['anthropic-beta'];
  const values = Array.isArray(raw) ? raw : [raw ?? ''];
  return values.flatMap((v) => v.split(',')).some((v) => v.trim() === OAUTH_BETA);
}

export function createCredentialStore(apiKeys: string[], pairs: OAuthPair[]): CredentialStore {
  const keys = new Set(apiKeys);
  /** access token → still accepted? (false once expired, so the 401 message can say why) */
  const access = new Map<string, boolean>();
  /** live refresh token → the access token issued with it */
  const refresh = new Map<string, string>();

  const addOAuth = (pair: OAuthPair): void => {
    access.set(pair.accessToken, true);
    refresh.set(pair.refreshToken, pair.accessToken);
  };
  pairs.forEach(addOAuth);
  const issue = (): OAuthPair => {
    const pair = { accessToken: newId('sk-ant-oat01-', 64), refreshToken: newId('sk-ant-ort01-', 64) };
    addOAuth(pair);
    return pair;
  };

  const checkBearer = (token: string, headers: IncomingHttpHeaders): AuthResult => {
    if (keys.has(token)) return { ok: true, kind: 'api-key' };
    const live = access.get(token);
    if (live === undefined) return { ok: false, message: 'Invalid bearer token' };
    if (!live) return { ok: false, message: 'OAuth token has expired. Please obtain a new token or refresh your existing token.' };
    if (!hasOAuthBeta(headers)) return { ok: false, message: 'OAuth authentication is currently not supported.' };
    return { ok: true, kind: 'oauth' };
  };

  return {
    addApiKey: (key) => keys.add(key),
    addOAuth,
    expireAccessToken: (token) => access.set(token, false),
    authenticate(headers) {
      const apiKey = headers['x-api-key'];
      // Claude Code's apiKeyHelper sends the key in both headers; either valid one is enough.
      if (typeof apiKey === 'string' && keys.has(apiKey)) return { ok: true, kind: 'api-key' };
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
      if (bearer !== undefined) return checkBearer(bearer, headers);
      if (apiKey !== undefined) return { ok: false, message: 'invalid x-api-key' };
      return { ok: false, message: 'x-api-key header is required' };
    },
    rotate(refreshToken) {
      if (!refresh.delete(refreshToken)) return undefined;
      return issue();
    },
    issue,
    currentOAuth: () => [...refresh].map(([refreshToken, accessToken]) => ({ accessToken, refreshToken })),
  };
}
