/**
 * What `nexus credentials list | status` says about one credentials file: a pure function of the
 * parsed file, its stat and the clock. It copies no secret: only whether each one is there.
 */
import type { CredentialFile } from '../../credentials/index.js';

/** What was read off disk for one `*.credentials.json`. */
export interface CredentialFacts {
  /** The file name without `.credentials.json`. */
  domain: string;
  /** False when the name is not one the proxy could ever select. */
  validName: boolean;
  path: string;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  modifiedAt: Date;
  /** The parsed file, or the reason it could not be read. */
  file: CredentialFile | { error: string };
}

export interface OAuthSummary {
  /** ISO date; null when the file gives none (e.g. a long-lived setup-token). */
  expiresAt: string | null;
  expired: boolean;
  /** "expires in 3h 12m", "expired 2h ago", "no expiry recorded". */
  expiry: string;
  hasRefreshToken: boolean;
  scopes: string[] | null;
}

export interface CredentialSummary {
  domain: string;
  file: string;
  /** Octal, e.g. "0600". */
  mode: string;
  lastWritten: string;
  type: 'api_key' | 'oauth' | null;
  account: string | null;
  clientKeySet: boolean;
  oauth: OAuthSummary | null;
  /** How the upstream credential stays valid, in one sentence. */
  refresh: string;
  /** What needs fixing, each with the command or step that fixes it; empty when healthy. */
  problems: string[];
}

export function summarizeCredential(facts: CredentialFacts, now: number): CredentialSummary {
  const base = {
    domain: facts.domain,
    file: facts.path,
    mode: `0${(facts.mode & 0o777).toString(8)}`,
    lastWritten: facts.modifiedAt.toISOString(),
  };
  const problems: string[] = [];
  if (!facts.validName) problems.push('the file name is not a valid domain, so the proxy never selects this file');
  if ((facts.mode & 0o077) !== 0) problems.push(`mode ${base.mode} lets other users read it: chmod 600 ${facts.path}`);
  if ('error' in facts.file) {
    problems.push(`the file ${facts.file.error}`);
    return { ...base, type: null, account: null, clientKeySet: false, oauth: null, refresh: 'unknown (unreadable file)', problems };
  }
  const { file } = facts;
  const command = (name: string): string => `nexus credentials ${name} ${facts.domain}`;
  if (file.clientApiKey === undefined) problems.push(`no client key, so every client is refused: ${command('generate-client-key')}`);
  const { credential } = file;
  const oauth = credential.kind === 'oauth' ? oauthSummary(credential.tokens, file.raw, now) : null;
  if (oauth?.expired === true && !oauth.hasRefreshToken) problems.push(`expired and cannot be refreshed: ${command('login')}`);
  return {
    ...base,
    type: credential.kind,
    account: file.accountId ?? null,
    clientKeySet: file.clientApiKey !== undefined,
    oauth,
    refresh: oauth === null ? 'not needed (API key)' : refreshHealth(oauth, command),
    problems,
  };
}

type OAuthTokens = Extract<CredentialFile['credential'], { kind: 'oauth' }>['tokens'];

function oauthSummary({ expiresAt, refreshToken }: OAuthTokens, raw: Record<string, unknown>, now: number): OAuthSummary {
  return {
    expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
    expired: expiresAt !== undefined && expiresAt <= now,
    expiry: expiresAt === undefined ? 'no expiry recorded' : describeExpiry(expiresAt, now),
    hasRefreshToken: refreshToken !== undefined,
    scopes: scopesOf(raw),
  };
}

function refreshHealth(oauth: OAuthSummary, command: (name: string) => string): string {
  if (oauth.hasRefreshToken) {
    return oauth.expired
      ? `refresh token present; the proxy refreshes on the next request (or now: ${command('refresh')})`
      : 'refresh token present; the proxy refreshes 5 minutes before expiry';
  }
  if (oauth.expiresAt === null) return 'no refresh token (a long-lived token, as from claude setup-token)';
  return oauth.expired ? `no refresh token: ${command('login')}` : `no refresh token: log in again before it expires (${command('login')})`;
}

/** Scopes are no secret, and a token without `user:inference` cannot serve requests. */
function scopesOf(raw: Record<string, unknown>): string[] | null {
  const tokens = raw.oauth ?? raw.claudeAiOauth;
  const scopes = typeof tokens === 'object' && tokens !== null ? (tokens as Record<string, unknown>).scopes : undefined;
  return Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string') ? scopes : null;
}

/** "expires in 3h 12m" or "expired 2d ago". */
export function describeExpiry(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  return left > 0 ? `expires in ${describeDuration(left)}` : `expired ${describeDuration(-left)} ago`;
}

/** A rough human duration: "less than a minute", "42m", "3h", "3h 12m", "45d". */
export function describeDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d`;
}
