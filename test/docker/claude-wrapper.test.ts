/**
 * claude-wrapper.sh run on the host with a recording stub `claude`: each credential shape reaches
 * Claude Code in the variable it reads, and a missing or broken credential stops with a clear message.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStub, pathWith, readCalls, REPO_ROOT, runScript, type ScriptResult, type StubCall } from '../support/shell-scripts.js';

const WRAPPER = join(REPO_ROOT, 'docker/claude-cli/claude-wrapper.sh');
const API_KEY = 'sk-ant-api03-wrapper-test-key-0123456789';
const ACCESS = 'sk-ant-oat01-wrapper-access-token';
const CLIENT_KEY = 'cnk_wrapper_client_key_0123456789';
const IN_A_YEAR = new Date(Date.now() + 365 * 86_400_000);

let dir: string;
let log: string;
let env: Record<string, string>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nexus-wrapper-'));
  log = join(dir, 'calls.jsonl');
  await createStub(join(dir, 'bin'), 'claude', { log });
  await mkdir(join(dir, 'client-setup'));
  env = {
    PATH: pathWith(join(dir, 'bin')),
    HOME: join(dir, 'home'),
    CLIENT_SETUP_DIR: join(dir, 'client-setup'),
    ANTHROPIC_BASE_URL: 'http://proxy:3000',
  };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function credentials(content: unknown): Promise<void> {
  await writeFile(join(dir, 'client-setup/.credentials.json'), typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 });
}

/** Runs the wrapper; `call` is what the stub claude got in this run, if it was called. */
async function wrap(args: string[] = ['-p', 'hello']): Promise<{ run: ScriptResult; call: StubCall | undefined }> {
  await rm(log, { force: true });
  const run = await runScript(WRAPPER, args, { env });
  const calls = await readCalls(log);
  expect(calls.length).toBeLessThanOrEqual(1);
  return { run, call: calls[0] };
}

/** The credential variables Claude Code got. */
function credentialEnv(call: StubCall | undefined): Record<string, string | undefined> {
  return {
    ANTHROPIC_API_KEY: call?.env.ANTHROPIC_API_KEY,
    ANTHROPIC_AUTH_TOKEN: call?.env.ANTHROPIC_AUTH_TOKEN,
    CLAUDE_CODE_OAUTH_TOKEN: call?.env.CLAUDE_CODE_OAUTH_TOKEN,
  };
}

describe('claude-wrapper.sh: the credential shapes', () => {
  it('api_key: sent as ANTHROPIC_API_KEY, arguments untouched, copy in ~/.claude with mode 0600', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    const args = ['-p', 'two words', '', 'it\'s "quoted" $HOME `id`', '--output-format', 'json'];
    const { run, call } = await wrap(args);
    expect(run.code, run.stderr).toBe(0);
    expect(call?.args).toEqual(args);
    expect(credentialEnv(call)).toEqual({ ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_AUTH_TOKEN: undefined, CLAUDE_CODE_OAUTH_TOKEN: undefined });
    expect(call?.env.ANTHROPIC_BASE_URL).toBe('http://proxy:3000');
    expect(call?.env.CLAUDE_CONFIG_DIR).toBe(join(dir, 'home/.claude'));
    const copy = join(dir, 'home/.claude/.credentials.json');
    expect((await stat(copy)).mode & 0o777).toBe(0o600);
    expect(run.stderr).toBe('');
  });

  it('api_key: marks the key approved and onboarding done in Claude Code’s config, so no prompt interrupts', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    await wrap();
    await wrap();
    const config = JSON.parse(await readFile(join(dir, 'home/.claude/.claude.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] } });
  });

  it('oauth (the seed’s shape): a Claude subscription token goes to CLAUDE_CODE_OAUTH_TOKEN', async () => {
    await credentials({ type: 'oauth', oauth: { accessToken: ACCESS, refreshToken: 'sk-ant-ort01-r', expiresAt: IN_A_YEAR.toISOString() } });
    const { run, call } = await wrap();
    expect(run.code, run.stderr).toBe(0);
    expect(credentialEnv(call)).toEqual({ ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: undefined, CLAUDE_CODE_OAUTH_TOKEN: ACCESS });
    expect(run.stderr).toBe('');
  });

  it('claudeAiOauth (Claude Code’s own file, copied as is) goes to CLAUDE_CODE_OAUTH_TOKEN', async () => {
    await credentials({ claudeAiOauth: { accessToken: ACCESS, refreshToken: 'sk-ant-ort01-r', expiresAt: IN_A_YEAR.getTime(), scopes: ['user:inference'] } });
    const { run, call } = await wrap();
    expect(run.code, run.stderr).toBe(0);
    expect(credentialEnv(call)).toEqual({ ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: undefined, CLAUDE_CODE_OAUTH_TOKEN: ACCESS });
    // Onboarding is marked done; there is no API key to approve.
    expect(JSON.parse(await readFile(join(dir, 'home/.claude/.claude.json'), 'utf8'))).toEqual({ hasCompletedOnboarding: true });
  });

  it('keeps the rest of Claude Code’s config, and leaves a config it cannot parse alone', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    await mkdir(join(dir, 'home/.claude'), { recursive: true });
    await writeFile(join(dir, 'home/.claude/.claude.json'), JSON.stringify({ theme: 'dark', customApiKeyResponses: { approved: ['older-key-suffix-0001'], rejected: [API_KEY.slice(-20)] } }));
    expect((await wrap()).run.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'home/.claude/.claude.json'), 'utf8'))).toEqual({
      theme: 'dark',
      hasCompletedOnboarding: true,
      customApiKeyResponses: { approved: ['older-key-suffix-0001', API_KEY.slice(-20)], rejected: [] },
    });
    await writeFile(join(dir, 'home/.claude/.claude.json'), '{ not json');
    expect((await wrap()).run.code).toBe(0);
    expect(await readFile(join(dir, 'home/.claude/.claude.json'), 'utf8')).toBe('{ not json');
  });

  it('a proxy client key in the oauth slot is sent as a plain bearer (ANTHROPIC_AUTH_TOKEN)', async () => {
    await credentials({ type: 'oauth', oauth: { accessToken: CLIENT_KEY } });
    const { call } = await wrap();
    expect(credentialEnv(call)).toEqual({ ANTHROPIC_API_KEY: undefined, ANTHROPIC_AUTH_TOKEN: CLIENT_KEY, CLAUDE_CODE_OAUTH_TOKEN: undefined });
  });

  it('warns, and still runs, when the OAuth token has expired (ISO date or epoch milliseconds)', async () => {
    for (const oauth of [
      { type: 'oauth', oauth: { accessToken: ACCESS, expiresAt: '2024-12-31T23:59:59Z' } },
      { claudeAiOauth: { accessToken: ACCESS, expiresAt: Date.parse('2024-12-31T23:59:59.000Z') } },
    ]) {
      await credentials(oauth);
      const { run, call } = await wrap();
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('has expired');
      expect(call?.env.CLAUDE_CODE_OAUTH_TOKEN).toBe(ACCESS);
    }
  });

  it('a credential already in the environment is used as given and no file is needed', async () => {
    env.ANTHROPIC_API_KEY = API_KEY;
    const { run, call } = await wrap();
    expect(run.code, run.stderr).toBe(0);
    expect(credentialEnv(call)).toEqual({ ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_AUTH_TOKEN: undefined, CLAUDE_CODE_OAUTH_TOKEN: undefined });
  });

  it('picks up the host’s edits: the copy follows the read-only mount on every run', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    await wrap();
    await credentials({ type: 'api_key', api_key: `${API_KEY}-rotated` });
    const { call } = await wrap();
    expect(call?.env.ANTHROPIC_API_KEY).toBe(`${API_KEY}-rotated`);
  });

  it('CLAUDE_HOME is Claude Code’s config dir and holds the copy', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    env.CLAUDE_HOME = join(dir, 'claude-home');
    const { call } = await wrap();
    expect(call?.env.CLAUDE_CONFIG_DIR).toBe(join(dir, 'claude-home'));
    expect((await stat(join(dir, 'claude-home/.credentials.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('claude-wrapper.sh: the prompt', () => {
  beforeEach(async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
  });

  it('joins a sentence and the words after it into one prompt (Claude Code would drop the rest)', async () => {
    const { call } = await wrap(['Compare these implementations', '/workspace/impl1.js', '/workspace/impl2.js']);
    expect(call?.args).toEqual(['Compare these implementations /workspace/impl1.js /workspace/impl2.js']);
  });

  it('leaves subcommands, options and single prompts alone', async () => {
    for (const args of [['mcp', 'list'], ['-p', 'Compare these', 'a.js'], ['Compare these', '--model', 'opus'], ['Explain Docker containers'], []]) {
      expect((await wrap(args)).call?.args).toEqual(args);
    }
  });
});

describe('claude-wrapper.sh: DEBUG=true', () => {
  it('explains what it did on stderr without printing the secret, and Claude Code sees DEBUG too', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    env.DEBUG = 'true';
    const { run, call } = await wrap();
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('claude-wrapper: debug: credential: api_key');
    expect(run.stderr).toContain('ANTHROPIC_BASE_URL=http://proxy:3000');
    expect(run.stderr).toContain(`(${String(API_KEY.length)} characters)`);
    expect(run.stderr).not.toContain(API_KEY.slice(8));
    expect(call?.env.DEBUG).toBe('true');
  });

  it('is quiet without DEBUG', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    expect((await wrap()).run.stderr).toBe('');
  });
});

describe('claude-wrapper.sh: a missing or broken credential stops with a clear message', () => {
  const SHAPES = 'Expected {"type":"api_key","api_key":"…"}';

  it('no file and nothing in the environment', async () => {
    const { run, call } = await wrap();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no credential: create client-setup/.credentials.json');
    expect(call).toBeUndefined();
  });

  it('but --version and --help still run', async () => {
    for (const flag of ['--version', '--help']) {
      const { run, call } = await wrap([flag]);
      expect(run.code).toBe(0);
      expect(call?.args).toEqual([flag]);
    }
  });

  const broken: [string, string, string][] = [
    ['not JSON', '{"type": "api_key", api_key: sk-ant}', 'is not valid JSON'],
    ['an empty file', '', 'is empty'],
    ['JSON without a credential', '{"hello":"world"}', SHAPES],
    ['an empty api_key', '{"type":"api_key","api_key":""}', SHAPES],
    ['type oauth without an access token', '{"type":"oauth","api_key":"sk-ant-api03-x","oauth":{}}', SHAPES],
    ['a key with spaces', '{"api_key":"sk-ant api03"}', SHAPES],
    ['an array', '[{"api_key":"sk-ant-api03-x"}]', SHAPES],
  ];
  for (const [what, content, message] of broken) {
    it(what, async () => {
      await credentials(content);
      const { run, call } = await wrap();
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('.credentials.json');
      expect(call).toBeUndefined();
    });
  }

  it('a file another user owns (mode 600) says who cannot read it and how to fix it', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    // As root, play the container user reading a host user's file: run the wrapper as nobody.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      await chmod(dir, 0o755);
      await chmod(join(dir, 'client-setup'), 0o755);
    } else {
      await chmod(join(dir, 'client-setup/.credentials.json'), 0o000);
    }
    // A copy in the (now world-readable) temp dir: nobody may not reach the repository's folder.
    const wrapper = join(dir, 'claude-wrapper.sh');
    await copyFile(WRAPPER, wrapper);
    await chmod(wrapper, 0o755);
    const run = await runScript(wrapper, ['hi'], { env, cwd: dir, ...(asRoot ? { uid: 65_534 } : {}) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read .*\.credentials\.json as \S+ \(uid \d+\)\. On the host: sudo chown \d+ client-setup\/\.credentials\.json/);
    expect(await readCalls(log)).toEqual([]);
  });
});

describe('claude-wrapper.sh: finding Claude Code', () => {
  it('skips itself when installed as `claude` on PATH and runs the next claude', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    await mkdir(join(dir, 'wrapper-bin'));
    await symlink(WRAPPER, join(dir, 'wrapper-bin/claude'));
    env.PATH = pathWith(join(dir, 'wrapper-bin'), join(dir, 'bin'));
    const run = await runScript(join(dir, 'wrapper-bin/claude'), ['hi'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect((await readCalls(log)).map((call) => call.args)).toEqual([['hi']]);
  });

  it('CLAUDE_CODE_BIN names the binary; pointing it at the wrapper is refused', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    env.CLAUDE_CODE_BIN = WRAPPER;
    const { run, call } = await wrap();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CLAUDE_CODE_BIN points at this wrapper');
    expect(call).toBeUndefined();
  });

  it('says so when Claude Code is not installed', async () => {
    await credentials({ type: 'api_key', api_key: API_KEY });
    env.PATH = pathWith();
    const { run } = await wrap();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Claude Code is not installed');
  });
});
