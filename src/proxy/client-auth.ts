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
        `Add one (nexus credentials generate-client-key ${domain.domain}).`,
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
