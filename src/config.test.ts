import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const noFile = { envFile: null };

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({}, noFile);
    expect(config.port).toBe(3000);
    expect(config.dashboardPort).toBe(3001);
    expect(config.host).toBe('0.0.0.0');
    expect(config.claudeApiBaseUrl.href).toBe('https://api.anthropic.com/');
    expect(config.oauthTokenUrl.href).toBe('https://platform.claude.com/v1/oauth/token');
    expect(config.oauthClientId).toBe('9d1c250a-e61b-44d9-88ed-5944d1962f5e');
    expect(config.oauthAuthorizeUrl.href).toBe('https://claude.ai/oauth/authorize');
    expect(config.credentialsDir).toBe('./credentials');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('./data');
    expect(config.dashboardApiKey).toBeUndefined();
    expect(config.upstreamTimeoutMs).toBe(600_000);
    expect(config.logLevel).toBe('info');
    expect(config.passthrough).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every documented variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        DASHBOARD_PORT: '0',
        HOST: '127.0.0.1',
        CLAUDE_API_BASE_URL: 'http://127.0.0.1:9999/prefix',
        CLAUDE_OAUTH_TOKEN_URL: 'http://127.0.0.1:9999/v1/oauth/token',
        CLAUDE_OAUTH_CLIENT_ID: 'client',
        CLAUDE_OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:9999/oauth/authorize',
        CREDENTIALS_DIR: '/etc/nexus',
        DATABASE_URL: 'postgres://u:p@localhost/db',
        DATA_DIR: '/var/lib/nexus',
        DASHBOARD_API_KEY: 'dash',
        UPSTREAM_TIMEOUT_MS: '1500',
        LOG_LEVEL: 'DEBUG',
        PASSTHROUGH: 'off',
      },
      noFile,
    );
    expect(config).toMatchObject({
      port: 8080,
      dashboardPort: 0,
      host: '127.0.0.1',
      oauthClientId: 'client',
      credentialsDir: '/etc/nexus',
      databaseUrl: 'postgres://u:p@localhost/db',
      dataDir: '/var/lib/nexus',
      dashboardApiKey: 'dash',
      upstreamTimeoutMs: 1500,
      logLevel: 'debug',
      passthrough: false,
    });
    expect(config.claudeApiBaseUrl.pathname).toBe('/prefix');
    expect(config.oauthAuthorizeUrl.href).toBe('http://127.0.0.1:9999/oauth/authorize');
  });

  it.each([
    ['PORT', 'abc', /PORT must be/],
    ['PORT', '70000', /PORT must be a port/],
    ['UPSTREAM_TIMEOUT_MS', '-5', /UPSTREAM_TIMEOUT_MS must be a positive whole number/],
    ['CLAUDE_API_BASE_URL', 'ftp://x', /CLAUDE_API_BASE_URL must be an http\(s\) URL/],
    ['CLAUDE_OAUTH_AUTHORIZE_URL', 'claude.ai/oauth', /CLAUDE_OAUTH_AUTHORIZE_URL must be an http\(s\) URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['PASSTHROUGH', 'maybe', /PASSTHROUGH must be on or off/],
  ])('stops on a bad %s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value }, noFile)).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, noFile)).toThrow(message);
  });

  it('reads what the report commands use: NEXUS_URL, NEXUS_API_KEY, NO_COLOR and COLUMNS', () => {
    const config = loadConfig({ NEXUS_URL: 'http://dashboard:3001', NEXUS_API_KEY: 'k', NO_COLOR: '1', COLUMNS: '80' }, noFile);
    expect(config.nexusUrl?.href).toBe('http://dashboard:3001/');
    expect(config).toMatchObject({ nexusApiKey: 'k', noColor: true, columns: 80 });
    const bare = loadConfig({}, noFile);
    expect(bare).toMatchObject({ nexusUrl: undefined, nexusApiKey: undefined, noColor: false, columns: undefined });
    // NO_COLOR counts only when non-empty (no-color.org); a COLUMNS that is no width is ignored, not fatal.
    expect(loadConfig({ NO_COLOR: '', COLUMNS: 'wide' }, noFile)).toMatchObject({ noColor: false, columns: undefined });
    expect(() => loadConfig({ NEXUS_URL: 'dashboard:3001' }, noFile)).toThrow(/NEXUS_URL must be an http\(s\) URL/);
  });

  it('never echoes a bad DATABASE_URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db' }, noFile)).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db' }, noFile)).not.toThrow(/hunter2/);
  });
});

describe('the .env file', () => {
  it('fills what the environment leaves unset, and the environment wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nexus-env-'));
    try {
      const envFile = join(dir, '.env');
      await writeFile(envFile, '# comment\nPORT=4000\nDASHBOARD_PORT=4001\nPASSTHROUGH="off"\n');
      const config = loadConfig({ PORT: '5000' }, { envFile });
      expect(config.port).toBe(5000);
      expect(config.dashboardPort).toBe(4001);
      expect(config.passthrough).toBe(false);
      // A missing file is fine: it is optional.
      expect(loadConfig({}, { envFile: join(dir, 'absent.env') }).port).toBe(3000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
