/** Which credential file a request's Host header selects, validated so no name can escape the folder. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

declare const domainBrand: unique symbol;
/** A lowercased host name, with or without `:port`, safe to use as a file name. */
export type DomainName = string & { readonly [domainBrand]: true };

const LABEL = '[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?';
const HOST_PATTERN = new RegExp(`^(${LABEL}(?:\\.${LABEL})*)(?::(\\d{1,5}))?$`);

/**
 * The domains to try for a Host header, most specific first: `Team.Example.com:3000` gives
 * `team.example.com:3000`, then `team.example.com`. Returns null for a missing or malformed host
 * (path separators, `..`, spaces, odd characters), which the caller rejects.
 */
export function domainCandidates(hostHeader: string | undefined): DomainName[] | null {
  if (hostHeader === undefined || hostHeader.length > 260) return null;
  const host = hostHeader.toLowerCase();
  const match = HOST_PATTERN.exec(host);
  if (match === null) return null;
  const name = match[1] as DomainName;
  return match[2] === undefined ? [name] : [host as DomainName, name];
}

/**
 * A domain named on the command line: the same rules as a Host header, taken exactly as given
 * (lowercased, port kept). Returns null for anything that could escape the folder.
 */
export function parseDomainName(text: string): DomainName | null {
  return domainCandidates(text)?.[0] ?? null;
}

/** File holding a domain's credential inside the credentials folder. */
export function credentialFileName(domain: DomainName): string {
  return `${domain}.credentials.json`;
}

/** A credentials file exists for exactly this domain (what member keys are bound to). */
export function credentialFileExists(dir: string, domain: DomainName): boolean {
  return existsSync(join(dir, credentialFileName(domain)));
}

/** A domain typed by a person, as the proxy names it when a credentials file of exactly that name exists. */
export function findManagedDomain(dir: string, text: string): { domain: DomainName } | { problem: 'invalid' | 'missing' } {
  const domain = parseDomainName(text);
  if (domain === null) return { problem: 'invalid' };
  return credentialFileExists(dir, domain) ? { domain } : { problem: 'missing' };
}
