/**
 * Grants against Claude's OAuth token endpoint (JSON body, as Claude Code sends it): the
 * refresh-token grant here, the authorization-code grant in oauth-login.ts.
 * Refresh tokens rotate: the one sent here is dead once the endpoint answers.
 */
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { RotatedTokens } from './credential-file.js';

export interface TokenEndpoint {
  url: URL;
  clientId: string;
  dispatcher?: Dispatcher | undefined;
  timeoutMs?: number;
}

const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
});

const errorResponse = z.looseObject({
  error: z.union([z.string(), z.looseObject({ type: z.string().optional(), message: z.string().optional() })]).optional(),
  error_description: z.string().optional(),
});

/** The endpoint could not be reached or refused the grant; the message never holds a token or code. */
export class TokenEndpointError extends Error {
  override readonly name = 'TokenEndpointError';
}

/**
 * POSTs one grant (plus `client_id`) and returns the JSON of a 200 answer.
 * @throws TokenEndpointError when unreachable or on any other status, quoting the endpoint's error code.
 */
export async function postTokenGrant(endpoint: TokenEndpoint, grant: Record<string, string>): Promise<unknown> {
  const timeoutMs = endpoint.timeoutMs ?? 30_000;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ ...grant, client_id: endpoint.clientId }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(endpoint.dispatcher === undefined ? {} : { dispatcher: endpoint.dispatcher }),
    });
  } catch (error) {
    throw new TokenEndpointError(`the token endpoint could not be reached (${(error as Error).message})`);
  }
  const text = await response.body.text();
  const json = safeJson(text);
  if (response.statusCode !== 200) {
    throw new TokenEndpointError(`the token endpoint answered ${response.statusCode}${describeError(json)}`);
  }
  return json;
}

/** Exchanges `refreshToken` for a new pair; keeps the old refresh token if none is returned. */
export async function exchangeRefreshToken(endpoint: TokenEndpoint, refreshToken: string): Promise<RotatedTokens> {
  const json = await postTokenGrant(endpoint, { grant_type: 'refresh_token', refresh_token: refreshToken });
  const parsed = tokenResponse.safeParse(json);
  if (!parsed.success) throw new TokenEndpointError('the token endpoint answered without an access_token');
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token ?? refreshToken,
    expiresAt: Date.now() + parsed.data.expires_in * 1000,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** ` invalid_grant: <description>`: the endpoint's own words, which never carry a token. */
function describeError(json: unknown): string {
  const parsed = errorResponse.safeParse(json);
  if (!parsed.success) return '';
  const { error, error_description: description } = parsed.data;
  const code = typeof error === 'string' ? error : (error?.type ?? '');
  const detail = description ?? (typeof error === 'object' ? error.message : undefined);
  return [code, detail].filter(Boolean).length === 0 ? '' : ` ${[code, detail].filter(Boolean).join(': ')}`;
}
