/** Who a request is counted under, without ever keeping a credential: accounts and client-key ids. */
import { createHash } from 'node:crypto';

/** Recent fingerprints: the same few keys come back on every request. Bounded; cleared when full. */
const recentFingerprints = new Map<string, string>();

/** A short, stable, non-reversible id of a secret (sha256, prefixed, 16 hex digits). */
export function fingerprint(prefix: string, secret: string): string {
  const cacheKey = `${prefix}\u0000${secret}`;
  const known = recentFingerprints.get(cacheKey);
  if (known !== undefined) return known;
  const id = `${prefix}_${createHash('sha256').update(`claude-nexus:${secret}`).digest('hex').slice(0, 16)}`;
  if (recentFingerprints.size >= 1000) recentFingerprints.clear();
  recentFingerprints.set(cacheKey, id);
  return id;
}

export interface AccountFacts {
  domain: string;
  managed: { accountId: string | undefined } | null;
  presentedCredential: string | undefined;
  /** The upstream's `anthropic-organization-id` response header. */
  organizationId: string | undefined;
}

/**
 * Managed domains count under their file's accountId (else the domain). Passthrough API keys count
 * under a fingerprint of the key. Claude subscription tokens rotate every few hours, so they count
 * under the organization the upstream names instead, which stays the same across rotations.
 */
export function accountOf({ domain, managed, presentedCredential, organizationId }: AccountFacts): string {
  if (managed !== null) return managed.accountId ?? domain;
  if (presentedCredential === undefined) return 'anonymous';
  if (presentedCredential.startsWith('sk-ant-oat') && organizationId !== undefined) return `org_${organizationId}`;
  return fingerprint('key', presentedCredential);
}
