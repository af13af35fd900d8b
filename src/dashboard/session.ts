/**
 * Dashboard sessions without server state: the cookie holds an issue time and a nonce, signed with
 * HMAC-SHA256 under a key derived from the session secret AND the dashboard key, so changing the key
 * ends every session. The CSRF token of a session is another MAC of its nonce.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  /** Ends a session before its expiry (logout); remembered by this process until the cookie would expire. */
  revoke(session: Session): void;
}

/** Revoked sessions remembered at most (the oldest are forgotten first). */
const MAX_REVOKED = 10_000;

export function createSessionSigner(secret: string | Uint8Array, apiKey: string): SessionSigner {
  // Bound to the dashboard key: a new key invalidates every cookie signed under the old one.
  const key = createHmac('sha256', secret).update('nexus-session\0').update(createHash('sha256').update(apiKey).digest()).digest();
  const mac = (text: string): string => createHmac('sha256', key).update(text).digest('base64url');
  const sessionOf = (issuedAt: number, nonce: string): Session => ({ issuedAt, nonce, csrfToken: mac(`csrf.${nonce}`) });
  const revoked = new Map<string, number>();
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
      for (const [nonce, issuedAt] of revoked) if (now - issuedAt > SESSION_TTL_SECONDS) revoked.delete(nonce);
      revoked.set(session.nonce, session.issuedAt);
      while (revoked.size > MAX_REVOKED) {
        const oldest = revoked.keys().next().value;
        if (oldest === undefined) break;
        revoked.delete(oldest);
      }
    },
  };
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
