/** Who a request is counted under, without ever keeping a credential: accounts and client-key ids. */
import { createHmac } from 'node:crypto';

/** A short, stable, non-reversible id of a secret: `prefix_` and 16 hex digits. */
export type Fingerprint = (prefix: string, secret: string) => string;

/**
 * Fingerprints salted with the installation's secret (HMAC-SHA256), so a stored one cannot be
 * checked against guessed keys. Recent ones are cached: the same few keys come back on every request.
 */
export function createFingerprint(salt: () => string): Fingerprint {
  const recent = new Map<string, string>();
  let cachedSalt = salt();
  return (prefix, secret) => {
    const currentSalt = salt();
    if (currentSalt !== cachedSalt) {
      recent.clear();
      cachedSalt = currentSalt;
    }
    const cacheKey = `${prefix}\u0000${secret}`;
    const known = recent.get(cacheKey);
    if (known !== undefined) return known;
    const id = `${prefix}_${createHmac('sha256', currentSalt).update(secret).digest('hex').slice(0, 16)}`;
    if (recent.size >= 1000) recent.clear();
    recent.set(cacheKey, id);
    return id;
  };
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
export function accountOf({ domain, managed, presentedCredential, organizationId }: AccountFacts, fingerprint: Fingerprint): string {
  if (managed !== null) return managed.accountId ?? domain;
  if (presentedCredential === undefined) return 'anonymous';
  if (presentedCredential.startsWith('sk-ant-oat') && organizationId !== undefined) return `org_${organizationId}`;
  return fingerprint('key', presentedCredential);
}
