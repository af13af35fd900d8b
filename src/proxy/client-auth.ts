/** Checks the per-domain key a managed domain's clients must present. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ManagedDomain } from '../credentials/index.js';
import { ApiError } from '../shared/api-error.js';
import { presentedCredential } from './headers.js';

/** Hashing first gives equal lengths, so the compare is timing-safe whatever the client sent. */
function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A member key as the proxy needs it (the people directory's cached key, structurally). */
export interface MemberKeyFacts {
  id: string;
  memberId: string;
  teams: string[];
  expiresAt: Date | null;
  allowedModels: string[] | null;
  gateway: boolean;
}

export type MemberKeyCheck =
  | { kind: 'member' | 'revoked' | 'expired'; key: MemberKeyFacts }
  | { kind: 'unknown' }
  | { kind: 'unavailable' };

/** Member keys, checked in memory (the proxy is handed this at construction). */
export interface MemberKeys {
  check(domain: string, presented: string): MemberKeyCheck | Promise<MemberKeyCheck>;
  used(keyId: string): void;
}

/** Who a managed domain's client is: the holder of the domain key, or a member by their own key. */
export type ClientIdentity = { kind: 'domain' } | { kind: 'member'; key: MemberKeyFacts };

/**
 * Checks the key a managed domain's client presented: the file's `client_api_key` (the domain
 * key, attributed to no member) or a member key of this domain. Refusals are 401s in the API's
 * shape that never echo the key.
 */
export async function authenticateClient(domain: ManagedDomain, headers: IncomingHttpHeaders, memberKeys: MemberKeys | undefined): Promise<ClientIdentity> {
  const presented = presentedCredential(headers);
  if (presented === undefined) {
    throw new ApiError(
      'authentication_error',
      `Missing client key for ${domain.domain}: send it as x-api-key or Authorization: Bearer.`,
    );
  }
  if (domain.clientApiKey !== undefined && sameSecret(presented, domain.clientApiKey)) return { kind: 'domain' };
  const check = memberKeys === undefined ? ({ kind: 'unknown' } as const) : await memberKeys.check(domain.domain, presented);
  switch (check.kind) {
    case 'member':
      memberKeys?.used(check.key.id);
      return { kind: 'member', key: check.key };
    case 'revoked':
      throw new ApiError('authentication_error', `This key (${check.key.id}) has been revoked. Ask your Claude Nexus admin for a new one.`);
    case 'expired':
      throw new ApiError(
        'authentication_error',
        `This key (${check.key.id}) expired on ${check.key.expiresAt?.toISOString().slice(0, 10) ?? 'its expiry date'}. Ask your Claude Nexus admin for a new one.`,
      );
    case 'unavailable':
      throw new ApiError('api_error', 'Member keys cannot be checked right now (the database is unreachable). Retry shortly.', 503);
    case 'unknown':
      break;
  }
  if (domain.clientApiKey === undefined && memberKeys === undefined) {
    throw new ApiError(
      'authentication_error',
      `The credentials file for ${domain.domain} has no client_api_key, so no client may use it. ` +
        `Create one with "nexus credentials generate-client-key ${domain.domain}" and give it to the clients.`,
    );
  }
  throw new ApiError('authentication_error', `Invalid client key for ${domain.domain}.`);
}

/** The key's model list refuses this model: a 400 naming it and the allowed ones. */
export function modelNotAllowed(model: string, allowed: readonly string[]): ApiError {
  return new ApiError('invalid_request_error', `This key may not use the model "${model}". Allowed models: ${allowed.join(', ')}.`);
}

/** Claude Code's user agent (`claude-cli/2.1.330 (external, cli)`), the Agent SDK's included. */
const CLAUDE_CODE_USER_AGENT = /^claude-cli\/|\bclaude-code\b/i;

/**
 * Anthropic permits subscription (OAuth) credentials only for Claude Code itself
 * (code.claude.com/docs/en/legal-and-compliance), and the API refuses other clients on them.
 * Saying so here gives a clear error and keeps other clients from putting the account at risk.
 */
export function assertOAuthClientAllowed(domain: ManagedDomain, headers: IncomingHttpHeaders): void {
  if (domain.kind !== 'oauth') return;
  if (CLAUDE_CODE_USER_AGENT.test(headers['user-agent'] ?? '')) return;
  throw new ApiError(
    'permission_error',
    `${domain.domain} uses a Claude subscription (OAuth) credential, which Anthropic permits only for Claude Code. ` +
      'Use an API key credential for other clients.',
  );
}
