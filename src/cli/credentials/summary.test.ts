import { describe, expect, it } from 'vitest';
import { parseCredentialFile } from '../../credentials/index.js';
import { describeDuration, summarizeCredential, type CredentialFacts } from './summary.js';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;

function facts(file: unknown, overrides: Partial<CredentialFacts> = {}): CredentialFacts {
  return {
    domain: 'me.example.com',
    validName: true,
    path: '/creds/me.example.com.credentials.json',
    mode: 0o100600,
    modifiedAt: new Date(NOW - HOUR),
    file: parseCredentialFile(JSON.stringify(file)),
    ...overrides,
  };
}

describe('describeDuration', () => {
  it.each([
    [30_000, 'less than a minute'],
    [42 * 60_000, '42m'],
    [3 * HOUR, '3h'],
    [3 * HOUR + 12 * 60_000 + 59_000, '3h 12m'],
    [47 * HOUR, '47h'],
    [45 * 24 * HOUR, '45d'],
  ])('%d ms → %s', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});

describe('summarizeCredential', () => {
  it('says an OAuth token with a refresh token is healthy, and copies no secret', () => {
    const summary = summarizeCredential(
      facts({ type: 'oauth', oauth: { accessToken: 'AT-secret', refreshToken: 'RT-secret', expiresAt: NOW + 3 * HOUR, scopes: ['user:inference'] }, client_api_key: 'CK-secret', accountId: 'me' }),
      NOW,
    );
    expect(summary).toMatchObject({
      type: 'oauth',
      account: 'me',
      mode: '0600',
      clientKeySet: true,
      oauth: { expiresAt: '2026-11-24T15:00:00.000Z', expired: false, expiry: 'expires in 3h', hasRefreshToken: true, scopes: ['user:inference'] },
      problems: [],
    });
    expect(JSON.stringify(summary)).not.toMatch(/secret/);
  });

  it('names what to run for an expired token without refresh token, a missing client key and loose permissions', () => {
    const summary = summarizeCredential(facts({ claudeAiOauth: { accessToken: 'AT', expiresAt: NOW - 2 * HOUR } }, { mode: 0o100644 }), NOW);
    expect(summary.oauth).toMatchObject({ expired: true, expiry: 'expired 2h ago', hasRefreshToken: false, scopes: null });
    expect(summary.refresh).toBe('no refresh token: nexus credentials login me.example.com');
    expect(summary.problems).toEqual([
      'mode 0644 lets other users read it: chmod 600 /creds/me.example.com.credentials.json',
      'no client key, so every client is refused: nexus credentials generate-client-key me.example.com',
      'expired and cannot be refreshed: nexus credentials login me.example.com',
    ]);
  });

  it('calls a token without expiry or refresh token long-lived, and an API key needs no refresh', () => {
    expect(summarizeCredential(facts({ type: 'oauth', oauth: { accessToken: 'AT' }, client_api_key: 'k' }), NOW)).toMatchObject({
      oauth: { expiresAt: null, expired: false, expiry: 'no expiry recorded' },
      refresh: 'no refresh token (a long-lived token, as from claude setup-token)',
      problems: [],
    });
    expect(summarizeCredential(facts({ type: 'api_key', api_key: 'k', client_api_key: 'c' }), NOW)).toMatchObject({ type: 'api_key', oauth: null, refresh: 'not needed (API key)' });
  });

  it('reports an unreadable file and a name the proxy never selects', () => {
    const summary = summarizeCredential({ ...facts({ type: 'api_key', api_key: 'k' }), file: { error: 'is not valid JSON' }, validName: false }, NOW);
    expect(summary).toMatchObject({ type: null, clientKeySet: false, oauth: null });
    expect(summary.problems).toEqual(['the file name is not a valid domain, so the proxy never selects this file', 'the file is not valid JSON']);
  });
});
