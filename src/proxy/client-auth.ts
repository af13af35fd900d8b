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

/** Throws a 401 in the API's shape unless the client presented the domain's `client_api_key`. */
export function assertClientKey(domain: ManagedDomain, headers: IncomingHttpHeaders): void {
  if (domain.clientApiKey === undefined) {
    throw new ApiError(
      'authentication_error',
      `The credentials file for ${domain.domain} has no client_api_key, so no client may use it. ` +
        `Create one with "nexus credentials generate-client-key ${domain.domain}" and give it to the clients.`,
    );
  }
  const presented = presentedCredential(headers);
  if (presented === undefined) {
    throw new ApiError(
      'authentication_error',
      `Missing client key for ${domain.domain}: send it as x-api-key or Authorization: Bearer.`,
    );
  }
  if (!sameSecret(presented, domain.clientApiKey)) {
    throw new ApiError('authentication_error', `Invalid client key for ${domain.domain}.`);
  }
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
