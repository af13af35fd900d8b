/**
 * Dashboard sessions without server state: the cookie holds an issue time and a nonce, signed with
 * HMAC-SHA256 under a key derived from the session secret AND the dashboard key, so changing the key
 * ends every session. The CSRF token of a session is another MAC of its nonce. The one state kept is
 * the list of sessions logged out before their expiry, in a file next to the secret when there is one.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SESSION_COOKIE = 'nexus_session';
/** How long a login lasts. */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

export interface Session {
  issuedAt: number;
  nonce: string;
  /** Sent back in state-changing forms (logout). */
  csrfToken: string;
}

export interface SessionSigner {
  /** A new session cookie value and its session. */
  issue(nowMs?: number): { cookie: string; session: Session };
  /** The session a cookie value proves, or null (bad MAC, bad shape or expired). */
  verify(cookie: string | undefined, nowMs?: number): Session | null;
  /** Timing-safe check of a form's CSRF token against the session's. */
  csrfMatches(session: Session, presented: string | undefined): boolean;
  /** Ends a session before its expiry (logout), until the cookie would have expired. */
  revoke(session: Session): void;
}

export interface SessionSignerOptions {
  /**
   * Where logouts are kept (one `nonce issuedAt` line each), so that a restart does not bring a
   * logged-out cookie back to life. Without it they live as long as the process.
   */
  revokedFile?: string | undefined;
}

/** Revoked sessions remembered at most (the oldest are forgotten first). */
const MAX_REVOKED = 10_000;

export function createSessionSigner(secret: string | Uint8Array, apiKey: string, options: SessionSignerOptions = {}): SessionSigner {
  // Bound to the dashboard key: a new key invalidates every cookie signed under the old one.
  const key = createHmac('sha256', secret).update('nexus-session\0').update(createHash('sha256').update(apiKey).digest()).digest();
  const mac = (text: string): string => createHmac('sha256', key).update(text).digest('base64url');
  const sessionOf = (issuedAt: number, nonce: string): Session => ({ issuedAt, nonce, csrfToken: mac(`csrf.${nonce}`) });
  const revoked = new Map<string, number>();
  const { revokedFile } = options;
  const expired = (issuedAt: number, nowSeconds: number): boolean => nowSeconds - issuedAt > SESSION_TTL_SECONDS;
  if (revokedFile !== undefined) {
    const nowSeconds = Date.now() / 1000;
    for (const [nonce, issuedAt] of readRevoked(revokedFile)) if (!expired(issuedAt, nowSeconds)) revoked.set(nonce, issuedAt);
  }
  /** Writes the list whole when entries were dropped, else appends the new one. */
  const persist = (rewrite: boolean, nonce: string, issuedAt: number): void => {
    if (revokedFile === undefined) return;
    // A logout that cannot be written still holds for this process; a dashboard must not fail over it.
    try {
      const line = (entry: [string, number]): string => `${entry[0]} ${String(entry[1])}\n`;
      if (rewrite) writeFileSync(revokedFile, [...revoked].map(line).join(''), { mode: 0o600 });
      else appendFileSync(revokedFile, line([nonce, issuedAt]), { mode: 0o600 });
    } catch {
      // Kept in memory only.
    }
  };
  return {
    issue(nowMs = Date.now()) {
      const issuedAt = Math.floor(nowMs / 1000);
      const nonce = randomBytes(18).toString('base64url');
      const body = `v1.${String(issuedAt)}.${nonce}`;
      return { cookie: `${body}.${mac(body)}`, session: sessionOf(issuedAt, nonce) };
    },
    verify(cookie, nowMs = Date.now()) {
      const match = cookie === undefined ? null : /^(v1\.(\d{1,12})\.([\w-]{24}))\.([\w-]{43})$/.exec(cookie);
      if (match === null) return null;
      const [, body = '', issued = '', nonce = '', presented = ''] = match;
      if (!sameText(presented, mac(body))) return null;
      const issuedAt = Number(issued);
      const age = nowMs / 1000 - issuedAt;
      if (age < -60 || age > SESSION_TTL_SECONDS || revoked.has(nonce)) return null;
      return sessionOf(issuedAt, nonce);
    },
    csrfMatches(session, presented) {
      return presented !== undefined && sameText(presented, session.csrfToken);
    },
    revoke(session) {
      const now = Date.now() / 1000;
      const before = revoked.size;
      for (const [nonce, issuedAt] of revoked) if (expired(issuedAt, now)) revoked.delete(nonce);
      revoked.set(session.nonce, session.issuedAt);
      while (revoked.size > MAX_REVOKED) {
        const oldest = revoked.keys().next().value;
        if (oldest === undefined) break;
        revoked.delete(oldest);
      }
      persist(revoked.size <= before, session.nonce, session.issuedAt);
    },
  };
}

function readRevoked(path: string): [string, number][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^([\w-]{24}) (\d{1,12})$/gm)].map((match) => [match[1] ?? '', Number(match[2])]);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The session secret kept in DATA_DIR (mode 0600), created on first start, so logins survive a
 * restart. Without a DATA_DIR the app uses a per-process secret instead.
 */
export function loadSessionSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'dashboard-session-secret');
  try {
    const stored = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
    if (stored.length >= 32) return stored;
  } catch {
    // Not there yet: created below.
  }
  const secret = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${secret.toString('base64url')}\n`, { mode: 0o600 });
  return secret;
}
