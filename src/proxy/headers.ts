/**
 * Headers forwarded as an open list: only hop-by-hop headers and the client's credential are
 * removed, everything else passes byte-for-byte in both directions (never allow-list anthropic-beta).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamAuth } from '../credentials/index.js';

/** Connection-specific headers a proxy must not forward. RFC 9110 §7.6.1; RFC 9112 §6.1 for transfer-encoding. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Set by the HTTP client from the upstream URL, or answered by Node itself (100-continue). */
const REQUEST_ONLY_LOCAL = new Set(['host', 'expect']);

const CLIENT_CREDENTIALS = new Set(['x-api-key', 'authorization']);

/** The beta that OAuth access tokens require; stripping it makes the API answer 401. */
export const OAUTH_BETA = 'oauth-2025-04-20';

/** Header names that a `Connection` header lists are hop-by-hop for that message too (RFC 9110 §7.6.1). */
function connectionListed(values: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') names.add(name);
    }
  }
  return names;
}

export interface UpstreamHeaderOptions {
  /** Managed domains replace the client's credential with this one; passthrough keeps the client's. */
  auth: UpstreamAuth | null;
}

/**
 * The client's raw headers (Node's `rawHeaders`, pairs in arrival order, original case) as the flat
 * list sent upstream.
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], { auth }: UpstreamHeaderOptions): string[] {
  const connectionValues: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'connection') connectionValues.push(rawHeaders[i + 1] ?? '');
  }
  const listed = connectionListed(connectionValues);
  const out: string[] = [];
  let betaIndex = -1;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || REQUEST_ONLY_LOCAL.has(lower) || listed.has(lower)) continue;
    if (auth !== null && CLIENT_CREDENTIALS.has(lower)) continue;
    if (lower === 'anthropic-beta') betaIndex = out.length + 1;
    out.push(name, rawHeaders[i + 1] ?? '');
  }
  if (auth?.kind === 'api_key') out.push('x-api-key', auth.apiKey);
  if (auth?.kind === 'oauth') {
    out.push('authorization', `Bearer ${auth.accessToken}`);
    addOAuthBeta(out, betaIndex);
  }
  return out;
}

/** Appends the OAuth beta to what the client sent (never replacing it), unless it is already there. */
function addOAuthBeta(headers: string[], betaIndex: number): void {
  const betas = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]?.toLowerCase() === 'anthropic-beta') betas.push(...(headers[i + 1] ?? '').split(','));
  }
  if (betas.some((beta) => beta.trim() === OAUTH_BETA)) return;
  if (betaIndex === -1) {
    headers.push('anthropic-beta', OAUTH_BETA);
    return;
  }
  const existing = headers[betaIndex] ?? '';
  headers[betaIndex] = existing.trim() === '' ? OAUTH_BETA : `${existing},${OAUTH_BETA}`;
}

/** The upstream's response headers as a flat list for `writeHead`, hop-by-hop ones removed. */
export function clientResponseHeaders(headers: IncomingHttpHeaders): string[] {
  const connection = headers.connection;
  const listed = connectionListed(connection === undefined ? [] : [connection].flat());
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (Array.isArray(value)) {
      for (const item of value) out.push(name, item);
    } else {
      out.push(name, value);
    }
  }
  return out;
}

/** The credential a client presented: `x-api-key`, else the `Authorization: Bearer` value. */
export function presentedCredential(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  const authorization = headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
