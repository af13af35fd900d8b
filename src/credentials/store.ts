/**
 * Per-domain credentials read from `<dir>/<domain>.credentials.json`. A file is re-read when its
 * stat changes, so edits on disk apply without a restart. OAuth tokens are refreshed ahead of
 * expiry (or after an upstream 401), one refresh in flight per file however many requests wait,
 * and the rotated pair is on disk before anyone uses it.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import {
  CredentialFileError,
  parseCredentialFile,
  withRotatedTokens,
  writeFileAtomically,
  type CredentialFile,
} from './credential-file.js';
import { credentialFileName, type DomainName } from './domain.js';
import { exchangeRefreshToken, TokenEndpointError, type TokenEndpoint } from './token-endpoint.js';

/** What the proxy sends upstream in place of the client's key. */
export type UpstreamAuth = { kind: 'api_key'; apiKey: string } | { kind: 'oauth'; accessToken: string };

/** A domain that has a credential file. */
export interface ManagedDomain {
  readonly domain: DomainName;
  readonly path: string;
  readonly kind: 'api_key' | 'oauth';
  readonly accountId: string | undefined;
  /** The key this domain's clients must present; undefined means every client is refused. */
  readonly clientApiKey: string | undefined;
}

/** A credential that exists but cannot be used; the message says how to fix it and holds no secret. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

/**
 * Runs work while holding a lock that every proxy instance sharing the credentials respects (e.g. a
 * PostgreSQL advisory lock), so a refresh token is spent once across instances, not once each.
 */
export interface RefreshCoordinator {
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export interface CredentialStoreOptions {
  dir: string;
  tokenEndpoint: TokenEndpoint;
  logger?: Logger | undefined;
  /** Refresh this long before expiry. Default 5 minutes. */
  refreshMarginMs?: number;
  /** Without one, refreshes are single-flight within this process only. */
  coordinator?: RefreshCoordinator | undefined;
  /** Told of every refresh call to the token endpoint and how it went (for metrics). */
  onRefresh?: ((outcome: 'refreshed' | 'failed') => void) | undefined;
}

export interface CredentialStore {
  /** The first candidate domain with a file, or null when none has one. */
  find(candidates: readonly DomainName[]): Promise<ManagedDomain | null>;
  /** The upstream credential to use now, refreshed first if it is about to expire. */
  upstreamAuth(domain: ManagedDomain): Promise<UpstreamAuth>;
  /** After the upstream refused `rejected`: a refreshed credential, or null when refreshing cannot help. */
  refreshAfterRejection(domain: ManagedDomain, rejected: UpstreamAuth): Promise<UpstreamAuth | null>;
}

interface CachedFile {
  stamp: string;
  file: CredentialFile;
}

export function createCredentialStore(options: CredentialStoreOptions): CredentialStore {
  const { dir, tokenEndpoint, logger } = options;
  const refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
  const cache = new Map<string, CachedFile>();
  const refreshesInFlight = new Map<string, Promise<UpstreamAuth>>();

  async function load(domain: DomainName, path: string, stamp: string): Promise<CredentialFile> {
    const cached = cache.get(path);
    if (cached?.stamp === stamp) return cached.file;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw unreadable(domain, (error as NodeJS.ErrnoException).code ?? 'read error');
    }
    try {
      const file = parseCredentialFile(text);
      cache.set(path, { stamp, file });
      return file;
    } catch (error) {
      if (error instanceof CredentialFileError) throw unreadable(domain, error.message);
      throw error;
    }
  }

  async function loadFresh(domain: DomainName, path: string): Promise<CredentialFile> {
    return load(domain, path, statStamp(domain, path));
  }

  function current(domain: ManagedDomain): CredentialFile {
    const cached = cache.get(domain.path);
    if (cached === undefined) throw unreadable(domain.domain, 'was removed');
    return cached.file;
  }

  function refresh(domain: ManagedDomain, staleAccessToken: string): Promise<UpstreamAuth> {
    const inFlight = refreshesInFlight.get(domain.path);
    if (inFlight !== undefined) return inFlight;
    // Inside the lock, refreshNow re-reads the file first: whoever held it before us may have refreshed already.
    const work = (): Promise<UpstreamAuth> => refreshNow(domain, staleAccessToken);
    const coordinated = options.coordinator === undefined ? work() : options.coordinator.exclusive(`oauth-refresh:${domain.domain}`, work);
    const flight = coordinated.finally(() => refreshesInFlight.delete(domain.path));
    refreshesInFlight.set(domain.path, flight);
    return flight;
  }

  async function refreshNow(domain: ManagedDomain, staleAccessToken: string): Promise<UpstreamAuth> {
    // Re-read first: an edit (or another process) may already have put a fresh token there.
    const file = await loadFresh(domain.domain, domain.path);
    if (file.credential.kind !== 'oauth') return authOf(file);
    const { tokens } = file.credential;
    if (tokens.accessToken !== staleAccessToken && !expiresSoon(tokens.expiresAt)) return authOf(file);
    if (tokens.refreshToken === undefined) {
      throw new CredentialError(
        `The OAuth token for ${domain.domain} has expired and its credentials file has no refresh token. ` +
          logInAgain(domain.domain),
      );
    }
    let rotated;
    try {
      rotated = await exchangeRefreshToken(tokenEndpoint, tokens.refreshToken);
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error;
      logger?.warn({ domain: domain.domain, reason: error.message }, 'oauth refresh failed');
      options.onRefresh?.('failed');
      throw new CredentialError(
        `Refreshing the OAuth token for ${domain.domain} failed: ${error.message}. ${logInAgain(domain.domain)}`,
      );
    }
    const raw = withRotatedTokens(file.raw, rotated);
    const rewritten: CredentialFile = {
      ...file,
      raw,
      credential: { kind: 'oauth', tokens: rotated },
    };
    try {
      await writeFileAtomically(domain.path, `${JSON.stringify(raw, null, 2)}\n`);
      cache.set(domain.path, { stamp: statStamp(domain.domain, domain.path), file: rewritten });
    } catch (error) {
      // The old refresh token is already dead: keep the new pair in memory rather than lose it.
      cache.set(domain.path, { stamp: 'unwritten', file: rewritten });
      logger?.error({ domain: domain.domain, err: error }, 'could not persist rotated oauth tokens');
    }
    logger?.info({ domain: domain.domain, expiresAt: new Date(rotated.expiresAt).toISOString() }, 'oauth token refreshed');
    options.onRefresh?.('refreshed');
    return { kind: 'oauth', accessToken: rotated.accessToken };
  }

  function expiresSoon(expiresAt: number | undefined): boolean {
    return expiresAt !== undefined && expiresAt - Date.now() < refreshMarginMs;
  }

  return {
    async find(candidates) {
      for (const domain of candidates) {
        const path = join(dir, credentialFileName(domain));
        const stamp = statStamp(domain, path, true);
        if (stamp === null) continue;
        const file = await load(domain, path, stamp);
        return {
          domain,
          path,
          kind: file.credential.kind,
          accountId: file.accountId,
          clientApiKey: file.clientApiKey,
        };
      }
      return null;
    },

    async upstreamAuth(domain) {
      const file = current(domain);
      const { credential } = file;
      if (credential.kind === 'oauth' && expiresSoon(credential.tokens.expiresAt)) {
        return refresh(domain, credential.tokens.accessToken);
      }
      return authOf(file);
    },

    async refreshAfterRejection(domain, rejected) {
      if (rejected.kind !== 'oauth') return null;
      return refresh(domain, rejected.accessToken);
    },
  };
}

function authOf(file: CredentialFile): UpstreamAuth {
  const { credential } = file;
  return credential.kind === 'api_key'
    ? { kind: 'api_key', apiKey: credential.apiKey }
    : { kind: 'oauth', accessToken: credential.tokens.accessToken };
}

function logInAgain(domain: DomainName): string {
  return (
    `Log in again with "nexus credentials login ${domain}" on the proxy's host ` +
    `(or put the tokens of Claude Code's /login in ${credentialFileName(domain)}).`
  );
}

function unreadable(domain: DomainName, reason: string): CredentialError {
  return new CredentialError(
    `The credentials file for ${domain} ${reason}. Fix or replace ${credentialFileName(domain)} in the credentials folder.`,
  );
}

/**
 * The file's identity and version. Synchronous on purpose: it runs on every request, and a
 * stat of a local file (or of a missing one, with no exception built) costs a few microseconds,
 * far less than a round trip through the thread pool.
 */
function statStamp(domain: DomainName, path: string, missingIsNull: true): string | null;
function statStamp(domain: DomainName, path: string): string;
function statStamp(domain: DomainName, path: string, missingIsNull = false): string | null {
  let info;
  try {
    info = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw unreadable(domain, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'stat error'})`);
  }
  if (info === undefined) {
    if (missingIsNull) return null;
    throw unreadable(domain, 'was removed');
  }
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}
