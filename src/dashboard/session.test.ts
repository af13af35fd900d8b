import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_TTL_SECONDS, createSessionSigner } from './session.js';

const NOW = Date.parse('2026-11-24T10:00:00Z');

describe('session cookies', () => {
  const signer = createSessionSigner('secret-one', 'cnd_key');

  it('verifies what it issued, with a CSRF token of its own', () => {
    const { cookie, session } = signer.issue(NOW);
    expect(cookie).toMatch(/^v1\.\d+\.[\w-]{24}\.[\w-]{43}$/);
    expect(signer.verify(cookie, NOW + 1000)).toEqual(session);
    expect(signer.csrfMatches(session, session.csrfToken)).toBe(true);
    expect(signer.csrfMatches(session, `${session.csrfToken.slice(0, -1)}x`)).toBe(false);
    expect(signer.csrfMatches(session, undefined)).toBe(false);
  });

  it('refuses a forged, tampered, expired or revoked cookie', () => {
    const { cookie, session } = signer.issue(NOW);
    const [version, issued, nonce, mac] = cookie.split('.');
    expect(signer.verify(`${version}.${String(Number(issued) + 3600)}.${nonce}.${mac}`, NOW)).toBeNull();
    expect(signer.verify(createSessionSigner('secret-two', 'cnd_key').issue(NOW).cookie, NOW)).toBeNull();
    expect(signer.verify('garbage', NOW)).toBeNull();
    expect(signer.verify(undefined, NOW)).toBeNull();
    expect(signer.verify(cookie, NOW + (SESSION_TTL_SECONDS + 1) * 1000)).toBeNull();
    signer.revoke(session);
    expect(signer.verify(cookie, NOW)).toBeNull();
  });

  it('ends every session when the dashboard key changes', () => {
    const { cookie } = signer.issue(NOW);
    expect(createSessionSigner('secret-one', 'cnd_other_key').verify(cookie, NOW)).toBeNull();
  });
});

describe('logouts', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('outlive a restart: a logged-out cookie stays refused, the others keep working', () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-sessions-'));
    const revokedFile = join(dir, 'dashboard-revoked-sessions');
    const before = createSessionSigner('secret-one', 'cnd_key', { revokedFile });
    const out = before.issue();
    const kept = before.issue();
    before.revoke(out.session);
    expect(statSync(revokedFile).mode & 0o777).toBe(0o600);

    const after = createSessionSigner('secret-one', 'cnd_key', { revokedFile });
    expect(after.verify(out.cookie)).toBeNull();
    expect(after.verify(kept.cookie)).toEqual(kept.session);
  });

  it('forget the ones whose cookie has expired anyway, the file included', () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-sessions-'));
    const revokedFile = join(dir, 'dashboard-revoked-sessions');
    const signer = createSessionSigner('secret-one', 'cnd_key', { revokedFile });
    const old = signer.issue(Date.now() - (SESSION_TTL_SECONDS + 60) * 1000);
    signer.revoke(old.session);
    const recent = signer.issue();
    signer.revoke(recent.session);
    expect(readFileSync(revokedFile, 'utf8')).toBe(`${recent.session.nonce} ${String(recent.session.issuedAt)}\n`);
  });
});
