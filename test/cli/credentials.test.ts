/**
 * `nexus credentials …` as users run it: the built bin, stdin piped, a temp credentials folder,
 * the fake Anthropic token endpoint and a real proxy. No secret may reach stdout or stderr.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, FAKE_ACCOUNT } from '../fake-anthropic/index.js';
import { send } from '../support/http.js';
import { runNexus, spawnNexus, type CliResult } from '../support/nexus-cli.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { waitUntil } from '../support/wait-until.js';

const DOMAIN = 'team.example.com';
const ACCESS = 'sk-ant-oat01-cli-test-access-token';
const REFRESH = 'sk-ant-ort01-cli-test-refresh-token';
const CLIENT_KEY = 'cnk_existing_client_key_for_tests';
const HOUR = 3_600_000;
const CLAUDE_CODE_UA = 'claude-cli/2.1.330 (external, cli)';

let h: Harness;
let workDir: string;
beforeEach(async () => {
  h = await startHarness({ fake: { oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] } });
  workDir = await mkdtemp(join(tmpdir(), 'nexus-cli-'));
});
afterEach(async () => {
  await h.close();
  await rm(workDir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CREDENTIALS_DIR: h.credentialsDir,
    DATA_DIR: join(workDir, 'data'),
    CLAUDE_OAUTH_TOKEN_URL: `${h.fake.url}/v1/oauth/token`,
    CLAUDE_OAUTH_AUTHORIZE_URL: `${h.fake.url}/oauth/authorize`,
    ...extra,
  };
}

const nexus = (args: string[], stdin?: string, extraEnv?: Record<string, string>): Promise<CliResult> =>
  runNexus(['credentials', ...args], { env: env(extraEnv), cwd: workDir, ...(stdin === undefined ? {} : { stdin }) });

const pathOf = (domain: string): string => join(h.credentialsDir, `${domain}.credentials.json`);
const readJson = async (domain: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(pathOf(domain), 'utf8')) as Record<string, unknown>;
const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

/** Fails when any of `secrets` appears in what the command printed. */
function expectNoSecrets(result: CliResult, secrets: readonly string[]): void {
  const printed = result.stdout + result.stderr;
  for (const secret of secrets) expect(printed, 'a secret was printed').not.toContain(secret);
}

/** What login shows on stderr before it reads the code. */
const LOGIN_DIALOGUE = /^Open this URL in a browser[\s\S]*press Enter\.\n/;

/**
 * Exit code 2, no stdout, and exactly one `nexus: …` line on stderr without a stack trace
 * (after login's dialogue, for login).
 */
function expectRefused(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const error = result.stderr.replace(LOGIN_DIALOGUE, '');
  expect(error.trimEnd().split('\n')).toHaveLength(1);
  expect(error).toMatch(/^nexus: /);
  expect(error).not.toMatch(/\s+at .+:\d+/);
  expect(error).toMatch(message);
}

function claudeCodeRequest(key: string) {
  return send(h.url, {
    method: 'POST',
    path: '/v1/messages?beta=true',
    headers: { host: DOMAIN, 'user-agent': CLAUDE_CODE_UA, 'x-api-key': key, 'content-type': 'application/json' },
    body: '{"model":"claude-opus-5-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
  });
}

describe('nexus credentials add-key', () => {
  it('reads the key from stdin and writes an api_key file, mode 0600, without printing the key', async () => {
    const result = await nexus(['add-key', DOMAIN], `${DEFAULT_API_KEY}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Stored an API key for ${DOMAIN}`);
    expect(result.stdout).toContain('generate-client-key');
    expectNoSecrets(result, [DEFAULT_API_KEY]);
    expect(await readJson(DOMAIN)).toEqual({ type: 'api_key', api_key: DEFAULT_API_KEY });
    expect(await modeOf(pathOf(DOMAIN))).toBe(0o600);
  });

  it('replaces an OAuth credential but keeps the client key and account', async () => {
    await h.writeCredentials(DOMAIN, { type: 'oauth', oauth: { accessToken: ACCESS, refreshToken: REFRESH }, client_api_key: CLIENT_KEY, accountId: 'team' });
    const result = await nexus(['add-key', DOMAIN], 'sk-ant-api03-replacement');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/replacing its OAuth credential/);
    expectNoSecrets(result, ['sk-ant-api03-replacement', CLIENT_KEY, ACCESS, REFRESH]);
    expect(await readJson(DOMAIN)).toEqual({ type: 'api_key', api_key: 'sk-ant-api03-replacement', client_api_key: CLIENT_KEY, accountId: 'team' });
  });

  it('creates the credentials folder 0700, sets --account, and warns about a key without sk-ant-', async () => {
    const dir = join(workDir, 'fresh-creds');
    const result = await nexus(['add-key', DOMAIN, '--account', 'ops'], 'some-other-vendor-key\n', { CREDENTIALS_DIR: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: the key does not start with sk-ant-/);
    expectNoSecrets(result, ['some-other-vendor-key']);
    expect(await modeOf(dir)).toBe(0o700);
    const file = JSON.parse(await readFile(join(dir, `${DOMAIN}.credentials.json`), 'utf8')) as unknown;
    expect(file).toEqual({ type: 'api_key', api_key: 'some-other-vendor-key', accountId: 'ops' });
  });
});

describe('nexus credentials generate-client-key', () => {
  it('prints the key once, alone on stdout, stores it, and the proxy accepts it', async () => {
    expect((await nexus(['add-key', DOMAIN], DEFAULT_API_KEY)).code).toBe(0);
    const result = await nexus(['generate-client-key', DOMAIN]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^cnk_[A-Za-z0-9_-]{43}\n$/);
    const key = result.stdout.trim();
    expect(result.stderr).toMatch(/shown only this once/);
    expect(result.stderr).not.toContain(key);
    expect(await readJson(DOMAIN)).toEqual({ type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: key });
    expect(await modeOf(pathOf(DOMAIN))).toBe(0o600);

    const response = await claudeCodeRequest(key);
    expect(response.status).toBe(200);
    expect(h.fake.received).toHaveLength(1);
    expect(h.fake.received[0]?.headers['x-api-key']).toBe(DEFAULT_API_KEY);
    expect(JSON.stringify(h.fake.received[0]?.headers)).not.toContain(key);
  });

  it('refuses to replace a key without --force; with it, the old key stops working', async () => {
    await h.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY });
    const before = await readFile(pathOf(DOMAIN), 'utf8');
    expectRefused(await nexus(['generate-client-key', DOMAIN]), /already has a client key; --force replaces it/);
    expect(await readFile(pathOf(DOMAIN), 'utf8')).toBe(before);
    expect((await claudeCodeRequest(CLIENT_KEY)).status).toBe(200);

    const forced = await nexus(['generate-client-key', DOMAIN, '--force']);
    expect(forced.code).toBe(0);
    const key = forced.stdout.trim();
    expect(key).not.toBe(CLIENT_KEY);
    expect(forced.stderr).toMatch(/Replaced the client key/);
    expectNoSecrets(forced, [DEFAULT_API_KEY, CLIENT_KEY]);
    expect((await readJson(DOMAIN)).client_api_key).toBe(key);
    expect((await claudeCodeRequest(CLIENT_KEY)).status).toBe(401);
    expect((await claudeCodeRequest(key)).status).toBe(200);
  });

  it('keeps a Claude Code–shaped file as it is, adding only the key', async () => {
    const claudeCode = { claudeAiOauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + HOUR, subscriptionType: 'max' } };
    await h.writeCredentials(DOMAIN, claudeCode);
    const result = await nexus(['generate-client-key', DOMAIN]);
    expect(result.code).toBe(0);
    expectNoSecrets(result, [ACCESS, REFRESH]);
    expect(await readJson(DOMAIN)).toEqual({ ...claudeCode, client_api_key: result.stdout.trim() });
  });
});

describe('nexus credentials list and status', () => {
  const OTHER_KEY = 'sk-ant-api03-list-test-secret';
  const OLD_ACCESS = 'sk-ant-oat01-expired-no-refresh';

  beforeEach(async () => {
    await h.writeCredentials('api.example.com', { type: 'api_key', api_key: OTHER_KEY, client_api_key: CLIENT_KEY, accountId: 'team-api' });
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() + 3 * HOUR + 30_000).toISOString(), scopes: ['user:inference'] },
      client_api_key: 'cnk_second_client_key',
      accountId: 'me',
    });
    await h.writeCredentials('old.example.com', { claudeAiOauth: { accessToken: OLD_ACCESS, expiresAt: Date.now() - 2 * HOUR - 30_000 } });
    await h.writeCredentials('broken.example.com', '{"type":"api_key", "api_key": "sk-ant-api03-half-written');
  });
  const secrets = [OTHER_KEY, CLIENT_KEY, ACCESS, REFRESH, OLD_ACCESS, 'cnk_second_client_key', 'sk-ant-api03-half-written'];

  it('lists each domain with type, account, expiry, refresh token and client key, and the problems', async () => {
    const result = await nexus(['list']);
    expect(result.code).toBe(0);
    expectNoSecrets(result, secrets);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^DOMAIN\s+TYPE\s+ACCOUNT\s+EXPIRY\s+REFRESH\s+CLIENT KEY$/);
    expect(lines.find((l) => l.startsWith('api.example.com'))).toMatch(/api_key\s+team-api\s+-\s+-\s+set$/);
    expect(lines.find((l) => l.startsWith('me.example.com'))).toMatch(/oauth\s+me\s+expires in 3h\s+refresh token\s+set$/);
    expect(lines.find((l) => l.startsWith('old.example.com'))).toMatch(/oauth\s+-\s+expired 2h ago\s+none\s+missing$/);
    expect(lines.find((l) => l.startsWith('broken.example.com'))).toMatch(/unreadable/);
    expect(result.stdout).toContain('! old.example.com: expired and cannot be refreshed: nexus credentials login old.example.com');
    expect(result.stdout).toContain('! broken.example.com: the file is not valid JSON');
  });

  it('shows one domain in detail, flags a readable-by-others file, and says refresh history is not recorded', async () => {
    await chmod(pathOf('me.example.com'), 0o644);
    const result = await nexus(['status', 'ME.example.com']);
    expect(result.code).toBe(0);
    expectNoSecrets(result, secrets);
    expect(result.stdout).toMatch(/^me\.example\.com\n/);
    expect(result.stdout).not.toContain('api.example.com');
    expect(result.stdout).toMatch(/expires\s+\S+Z \(expires in 3h\)/);
    expect(result.stdout).toMatch(/refresh\s+refresh token present; the proxy refreshes 5 minutes before expiry/);
    expect(result.stdout).toMatch(/scopes\s+user:inference/);
    expect(result.stdout).toMatch(/mode 0644 lets other users read it: chmod 600/);
    expect(result.stdout).toMatch(/Past refresh outcomes are not recorded/);
  });

  it('gives the same facts as JSON with --json, still without secrets', async () => {
    for (const command of [['list', '--json'], ['status', '--json']]) {
      const result = await nexus(command);
      expect(result.code).toBe(0);
      expectNoSecrets(result, secrets);
      const { credentialsDir, domains } = JSON.parse(result.stdout) as { credentialsDir: string; domains: Record<string, unknown>[] };
      expect(credentialsDir).toBe(h.credentialsDir);
      expect(domains.map((d) => d.domain)).toEqual(['api.example.com', 'broken.example.com', 'me.example.com', 'old.example.com']);
      expect(domains[0]).toMatchObject({ type: 'api_key', account: 'team-api', clientKeySet: true, oauth: null, mode: '0600', problems: [] });
      expect(domains[2]).toMatchObject({
        type: 'oauth',
        clientKeySet: true,
        oauth: { expired: false, expiry: 'expires in 3h', hasRefreshToken: true, scopes: ['user:inference'] },
      });
      expect(domains[3]).toMatchObject({ type: 'oauth', clientKeySet: false, oauth: { expired: true, hasRefreshToken: false } });
      expect(domains[1]).toMatchObject({ type: null, problems: ['the file is not valid JSON'] });
    }
  });
});

describe('nexus credentials login', () => {
  /** Runs login, plays the consent page on the URL it prints, and pastes `paste(code#state)`. */
  async function login(args: string[], paste: (shown: { code: string; state: string; pasteText: string }) => string): Promise<CliResult> {
    const cli = spawnNexus(['credentials', 'login', ...args], { env: env(), cwd: workDir });
    const url = await waitUntil(() => /(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/.exec(cli.stderr())?.[1], 'the authorize URL');
    cli.child.stdin.end(`${paste(h.fake.authorize(url))}\n`);
    const code = await cli.exited;
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  it('logs in with PKCE, writes the OAuth file 0600, and the proxy serves Claude Code with it', async () => {
    let pasted = '';
    const result = await login([DOMAIN], (shown) => (pasted = shown.pasteText));
    expect(result.code).toBe(0);
    const [issued] = h.fake.currentOAuth().filter((pair) => pair.accessToken !== ACCESS);
    expect(issued).toBeDefined();
    expectNoSecrets(result, [issued?.accessToken ?? '?', issued?.refreshToken ?? '?', pasted.split('#')[0] ?? '?']);
    expect(result.stdout).toMatch(new RegExp(`Logged in: ${DOMAIN} now uses the Claude subscription of ${FAKE_ACCOUNT.email}; the token expires in (7h 59m|8h)`));

    const grant = JSON.parse(h.fake.tokenRequests[0]?.body.toString() ?? '{}') as Record<string, unknown>;
    expect(grant).toMatchObject({ grant_type: 'authorization_code', redirect_uri: 'https://platform.claude.com/oauth/code/callback', client_id: '9d1c250a-e61b-44d9-88ed-5944d1962f5e' });
    expect(typeof grant.code_verifier).toBe('string');

    const file = await readJson(DOMAIN);
    expect(file).toMatchObject({ type: 'oauth', accountId: FAKE_ACCOUNT.email, oauth: { accessToken: issued?.accessToken, refreshToken: issued?.refreshToken } });
    const oauth = file.oauth as { expiresAt: string; scopes: string[] };
    expect(Date.parse(oauth.expiresAt)).toBeGreaterThan(Date.now() + 7.9 * HOUR);
    expect(oauth.scopes).toContain('user:inference');
    expect(await modeOf(pathOf(DOMAIN))).toBe(0o600);

    const key = (await nexus(['generate-client-key', DOMAIN])).stdout.trim();
    expect((await claudeCodeRequest(key)).status).toBe(200);
    expect(h.fake.received[0]?.headers.authorization).toBe(`Bearer ${issued?.accessToken ?? ''}`);
  });

  it('accepts a bare code and keeps an existing client key and account', async () => {
    await h.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY, accountId: 'mine' });
    const result = await login([DOMAIN], (shown) => shown.code);
    expect(result.code).toBe(0);
    expectNoSecrets(result, [CLIENT_KEY, DEFAULT_API_KEY]);
    expect(await readJson(DOMAIN)).toMatchObject({ type: 'oauth', client_api_key: CLIENT_KEY, accountId: 'mine' });
  });

  it('refuses a code whose state is another login’s, before sending it anywhere', async () => {
    let code = '';
    const result = await login([DOMAIN], (shown) => `${(code = shown.code)}#not-the-state`);
    expectRefused(result, /belongs to another login attempt/);
    expect(result.stderr).not.toContain(code);
    expect(h.fake.tokenRequests).toHaveLength(0);
    await expect(stat(pathOf(DOMAIN))).rejects.toThrow(/ENOENT/);
  });

  it('reports the endpoint refusing a code in one line, without the code', async () => {
    const result = await login([DOMAIN], (shown) => `made-up-code#${shown.state}`);
    expectRefused(result, /login team\.example\.com failed: the token endpoint answered 400 invalid_grant/);
    expect(result.stderr).not.toContain('made-up-code');
    await expect(stat(pathOf(DOMAIN))).rejects.toThrow(/ENOENT/);
  });
});

describe('nexus credentials refresh', () => {
  it('refreshes through the store, writes the rotated pair 0600 and reports the new expiry', async () => {
    await h.writeCredentials(DOMAIN, {
      type: 'oauth',
      oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() + HOUR).toISOString() },
      client_api_key: CLIENT_KEY,
      accountId: 'me',
    });
    const result = await nexus(['refresh', DOMAIN]);
    expect(result.code).toBe(0);
    const [rotated] = h.fake.currentOAuth();
    expect(rotated?.refreshToken).not.toBe(REFRESH);
    expectNoSecrets(result, [ACCESS, REFRESH, CLIENT_KEY, rotated?.accessToken ?? '?', rotated?.refreshToken ?? '?']);
    expect(result.stdout).toMatch(/Refreshed the OAuth token for team\.example\.com: the new one expires in (7h 59m|8h) \(/);
    expect(h.fake.tokenRequests).toHaveLength(1);
    expect(h.fake.tokenRequests[0]?.body.toString()).toContain('"grant_type":"refresh_token"');
    const file = await readJson(DOMAIN);
    expect(file).toMatchObject({ client_api_key: CLIENT_KEY, accountId: 'me', oauth: { accessToken: rotated?.accessToken, refreshToken: rotated?.refreshToken } });
    expect(Date.parse((file.oauth as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now() + 7.9 * HOUR);
    expect(await modeOf(pathOf(DOMAIN))).toBe(0o600);
  });

  it('reports a dead refresh token in one line, without any token, and leaves the file alone', async () => {
    const used = 'sk-ant-ort01-already-used-refresh';
    await h.writeCredentials(DOMAIN, { type: 'oauth', oauth: { accessToken: ACCESS, refreshToken: used, expiresAt: Date.now() + HOUR }, client_api_key: CLIENT_KEY });
    const before = await readFile(pathOf(DOMAIN), 'utf8');
    const result = await nexus(['refresh', DOMAIN]);
    expectRefused(result, /Refreshing the OAuth token for team\.example\.com failed: .*invalid_grant.*nexus credentials login team\.example\.com/);
    expectNoSecrets(result, [ACCESS, used, CLIENT_KEY]);
    expect(await readFile(pathOf(DOMAIN), 'utf8')).toBe(before);
  });

  it('reports an unreachable token endpoint in one line', async () => {
    await h.writeCredentials(DOMAIN, { type: 'oauth', oauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + HOUR } });
    const result = await nexus(['refresh', DOMAIN], undefined, { CLAUDE_OAUTH_TOKEN_URL: 'http://127.0.0.1:1/v1/oauth/token' });
    expectRefused(result, /the token endpoint could not be reached/);
    expectNoSecrets(result, [ACCESS, REFRESH]);
  });

  it('refuses an API-key domain and a token without a refresh token', async () => {
    await h.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY });
    expectRefused(await nexus(['refresh', DOMAIN]), /holds an API key, which needs no refresh/);
    await h.writeCredentials('me.example.com', { claudeAiOauth: { accessToken: ACCESS, expiresAt: Date.now() + HOUR } });
    expectRefused(await nexus(['refresh', 'me.example.com']), /has no refresh token: log in again/);
    expect(h.fake.tokenRequests).toHaveLength(0);
  });
});

describe('nexus credentials refuses bad input with exit code 2 and one line', () => {
  it.each([
    ['no sub-command', [], undefined, /"nexus credentials" needs a command: list, status/],
    ['an unknown sub-command', ['frobnicate'], undefined, /unknown credentials command "frobnicate"/],
    ['an unknown flag', ['list', '--bogus'], undefined, /unknown option "--bogus" for "nexus credentials list"/],
    ['a value for a boolean flag', ['status', '--json=yes'], undefined, /nexus credentials status: Option '--json' does not take an argument/],
    ['a path-traversal domain', ['add-key', '../../etc/passwd'], 'sk-ant-api03-x', /"\.\.\/\.\.\/etc\/passwd" is not a domain/],
    ['a domain with a slash', ['status', 'a/b'], undefined, /"a\/b" is not a domain/],
    ['a missing domain', ['add-key'], 'sk-ant-api03-x', /needs a domain/],
    ['two domains', ['refresh', 'a.example.com', 'b.example.com'], undefined, /takes one domain, got 2 arguments/],
    ['empty stdin', ['add-key', DOMAIN], '', /no API key on stdin/],
    ['a blank line on stdin', ['add-key', DOMAIN], '   \n', /no API key on stdin/],
    ['a key with inner whitespace', ['add-key', DOMAIN], 'sk-ant-api03 abc\n', /contains whitespace/],
    ['an OAuth token given as an API key', ['add-key', DOMAIN], `${ACCESS}\n`, /that is an OAuth token, not an API key/],
    ['an empty --account', ['add-key', DOMAIN, '--account', ' '], 'sk-ant-api03-x', /--account must be a non-empty name/],
    ['status of a domain without a file', ['status', 'nope.example.com'], undefined, /no credentials file for nope\.example\.com/],
    ['a client key for a domain without a file', ['generate-client-key', 'nope.example.com'], undefined, /no credentials file for nope\.example\.com/],
    ['refresh of a domain without a file', ['refresh', 'nope.example.com'], undefined, /no credentials file for nope\.example\.com/],
    ['login with nothing pasted', ['login', DOMAIN], '', /no authorization code was pasted/],
  ])('%s', async (_what, args, stdin, message) => {
    const result = await nexus(args, stdin);
    expectRefused(result, message);
    await expect(stat(pathOf(DOMAIN))).rejects.toThrow(/ENOENT/);
  });

  it('a key pasted where the domain goes, without echoing it', async () => {
    const result = await nexus(['add-key', 'sk-ant-api03-pasted-in-the-wrong-place'], '');
    expectRefused(result, /the domain argument looks like a key \(not shown\): keys are read from stdin/);
    expectNoSecrets(result, ['sk-ant-api03-pasted-in-the-wrong-place']);
  });

  it('a missing credentials folder', async () => {
    expectRefused(await nexus(['list'], undefined, { CREDENTIALS_DIR: join(workDir, 'absent') }), /the credentials folder .*absent does not exist/);
  });

  it('a file that is not valid JSON, which it leaves alone', async () => {
    await writeFile(pathOf(DOMAIN), '{"type":"api_key","api_key":"sk-ant-api03-torn', { mode: 0o600 });
    const result = await nexus(['generate-client-key', DOMAIN]);
    expectRefused(result, /team\.example\.com\.credentials\.json is not valid JSON; fix or remove it first/);
    expectNoSecrets(result, ['sk-ant-api03-torn']);
    expect(await readFile(pathOf(DOMAIN), 'utf8')).toBe('{"type":"api_key","api_key":"sk-ant-api03-torn');
  });
});

describe('nexus credentials --help', () => {
  it.each(['list', 'status', 'add-key', 'generate-client-key', 'login', 'refresh'])('%s --help prints its usage and exits 0', async (name) => {
    const result = await nexus([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: nexus credentials ${name}\\b`));
    await expect(stat(pathOf(DOMAIN))).rejects.toThrow(/ENOENT/);
  });

  it('lists every sub-command', async () => {
    const result = await nexus(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['list', 'status', 'add-key', 'generate-client-key', 'login', 'refresh']) expect(result.stdout).toMatch(new RegExp(`\\n  ${name}\\s`));
  });
});
