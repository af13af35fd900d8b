import { describe, expect, it } from 'vitest';
import { credentialFileName, domainCandidates, parseDomainName } from './domain.js';

describe('domainCandidates', () => {
  it('tries the host with its port first, then without', () => {
    expect(domainCandidates('Team.Example.com:3000')).toEqual(['team.example.com:3000', 'team.example.com']);
    expect(domainCandidates('localhost')).toEqual(['localhost']);
    expect(domainCandidates('127.0.0.1:3000')).toEqual(['127.0.0.1:3000', '127.0.0.1']);
  });

  it.each([undefined, '', '..', '../etc/passwd', 'a/b', 'a\\b', 'host name', 'host:abc', 'evil.com%2f..', '.hidden', 'x'.repeat(300), 'a..b'])(
    'rejects %j, which could escape the credentials folder or is not a host',
    (host) => {
      expect(domainCandidates(host)).toBeNull();
    },
  );

  it('names the file after the domain', () => {
    const [domain] = domainCandidates('team.example.com') ?? [];
    expect(domain && credentialFileName(domain)).toBe('team.example.com.credentials.json');
  });
});

describe('parseDomainName', () => {
  it('keeps the port and lowercases, as the proxy would look the file up', () => {
    expect(parseDomainName('Team.Example.com:3000')).toBe('team.example.com:3000');
    expect(parseDomainName('localhost')).toBe('localhost');
  });

  it.each(['', '..', '../x', 'a/b', 'x.credentials.json/..', ' host'])('rejects %j', (text) => {
    expect(parseDomainName(text)).toBeNull();
  });
});
