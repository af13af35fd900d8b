/**
 * docker-up.sh and ./claude with a recording stub `docker` on PATH: the exact compose command each
 * runs (project name, env file, arguments, quoting, stdin), and the warnings a first setup needs.
 */
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStub, pathWith, readCalls, REPO_ROOT, runScript, type ScriptOptions, type StubCall, type StubRule } from '../support/shell-scripts.js';

let root: string;
let log: string;
let env: Record<string, string>;

/** A copy of the project's root as far as the scripts see it: both scripts, the compose file, a .env. */
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nexus-compose-'));
  log = join(root, 'calls.jsonl');
  for (const script of ['docker-up.sh', 'claude']) await copyFile(join(REPO_ROOT, script), join(root, script));
  await mkdir(join(root, 'docker'));
  await writeFile(join(root, 'docker/docker-compose.yml'), 'services: {}\n');
  await writeFile(join(root, '.env'), 'DASHBOARD_API_KEY=0123456789abcdef\nPOSTGRES_PASSWORD=abcdef0123456789\n');
  await mkdir(join(root, 'client-setup'));
  await writeFile(join(root, 'client-setup/.credentials.json'), '{"type":"api_key","api_key":"cnk_x"}', { mode: 0o644 });
  await docker([]);
  env = { PATH: pathWith(join(root, 'stubs')), HOME: root };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function docker(rules: StubRule[], exitCode = 0): Promise<void> {
  await createStub(join(root, 'stubs'), 'docker', { log, rules, exitCode });
}

/** The compose calls made (the `docker compose version` probe left out). */
async function composeCalls(): Promise<StubCall[]> {
  return (await readCalls(log)).filter((call) => !(call.args[0] === 'compose' && call.args[1] === 'version'));
}

function prefix(withEnvFile = true): string[] {
  return ['compose', '--project-name', 'claude-nexus', '-f', join(root, 'docker/docker-compose.yml'), ...(withEnvFile ? ['--env-file', join(root, '.env')] : [])];
}

function up(args: string[], options: Partial<ScriptOptions> = {}) {
  return runScript(join(root, 'docker-up.sh'), args, { env, ...options });
}

describe('docker-up.sh', () => {
  it('runs compose with the fixed project name, the compose file and the root .env, from any directory', async () => {
    const run = await up(['up', '-d'], { cwd: tmpdir() });
    expect(run.code, run.stderr).toBe(0);
    const calls = await composeCalls();
    expect(calls.map((call) => call.args)).toEqual([[...prefix(), 'up', '-d']]);
    expect(calls[0]?.name).toBe('docker');
    expect(run.stderr).toBe('');
  });

  it('passes every argument through as given, quoting kept', async () => {
    const args = ['exec', '-T', 'claude-cli', 'claude', 'two words', '', 'it\'s "x" $HOME `id`', '--', '-p'];
    await up(args);
    expect((await composeCalls()).map((call) => call.args)).toEqual([[...prefix(), ...args]]);
  });

  it('exec and run get -T when stdin is not a terminal, and stdin reaches compose', async () => {
    await up(['exec', 'claude-cli', 'claude'], { stdin: 'Fix this code: console.log(\'hello world)\n' });
    await up(['run', '--rm', 'claude-cli', 'claude', 'Review this code'], { stdin: 'print("hi")\n' });
    await up(['logs', 'claude-cli']);
    const calls = await composeCalls();
    expect(calls.map((call) => call.args)).toEqual([
      [...prefix(), 'exec', '-T', 'claude-cli', 'claude'],
      [...prefix(), 'run', '-T', '--rm', 'claude-cli', 'claude', 'Review this code'],
      [...prefix(), 'logs', 'claude-cli'],
    ]);
    expect(calls.map((call) => call.stdin)).toEqual(['Fix this code: console.log(\'hello world)\n', 'print("hi")\n', '']);
  });

  it('leaves TTY allocation to compose at a terminal (interactive claude)', async () => {
    // util-linux `script` gives the command a pseudo-terminal, as a user's shell would.
    const run = await runScript('script', ['-qec', `${join(root, 'docker-up.sh')} exec claude-cli claude`, '/dev/null'], { env });
    expect(run.code, run.stderr).toBe(0);
    const calls = await composeCalls();
    expect(calls.map((call) => call.args)).toEqual([[...prefix(), 'exec', 'claude-cli', 'claude']]);
    expect(calls[0]?.stdinIsTty).toBe(true);
  });

  it('passes DEBUG into exec and run (DEBUG=true ./docker-up.sh exec claude-cli claude "test query")', async () => {
    env.DEBUG = 'true';
    await up(['exec', 'claude-cli', 'claude', 'test query']);
    expect((await composeCalls()).map((call) => call.args)).toEqual([[...prefix(), 'exec', '-T', '-e', 'DEBUG=true', 'claude-cli', 'claude', 'test query']]);
  });

  it('passes compose’s exit code back', async () => {
    await docker([{ when: ['compose', 'version'], exitCode: 0 }], 7);
    expect((await up(['ps'])).code).toBe(7);
  });

  it('falls back to docker-compose (v1) when the compose plugin is missing', async () => {
    await docker([{ when: ['compose', 'version'], exitCode: 1 }]);
    await createStub(join(root, 'stubs'), 'docker-compose', { log });
    const run = await up(['up', '-d']);
    expect(run.code).toBe(0);
    const calls = (await readCalls(log)).filter((call) => call.name === 'docker-compose');
    expect(calls.map((call) => call.args)).toEqual([[...prefix().slice(1), 'up', '-d']]);
  });

  it('warns when .env is missing and runs without --env-file', async () => {
    await rm(join(root, '.env'));
    const run = await up(['config']);
    expect(run.stderr).toContain('no .env');
    expect(run.stderr).toContain('cp .env.example .env');
    expect((await composeCalls()).map((call) => call.args)).toEqual([[...prefix(false), 'config']]);
  });

  it('warns when .env still holds the example secrets', async () => {
    await writeFile(join(root, '.env'), 'DASHBOARD_API_KEY=replace-with-openssl-rand-hex-32\nPOSTGRES_PASSWORD=x\n');
    expect((await up(['ps'])).stderr).toContain('.env still has an example secret');
  });

  it('warns when client-setup/.credentials.json is missing, for the commands that start containers', async () => {
    await rm(join(root, 'client-setup/.credentials.json'));
    for (const command of ['up', 'run', 'exec']) {
      expect((await up([command, 'claude-cli'])).stderr).toContain('no client-setup/.credentials.json');
    }
    expect((await up(['ps'])).stderr).toBe('');
  });

  it('warns, on Linux, when the container user cannot read the client credential', async () => {
    await chmod(join(root, 'client-setup/.credentials.json'), 0o600);
    const run = await up(['up', '-d']);
    if (process.platform === 'linux' && process.getuid?.() !== 1001) {
      expect(run.stderr).toContain('the claude-cli container (uid 1001) cannot read client-setup/.credentials.json');
      expect(run.stderr).toContain(`set CLAUDE_UID=${String(process.getuid?.())} in .env`);
    }
    expect(run.code).toBe(0);
  });

  it('takes the container user from CLAUDE_UID in .env', async () => {
    const uid = process.getuid?.() ?? 0;
    await writeFile(join(root, '.env'), `DASHBOARD_API_KEY=k\nPOSTGRES_PASSWORD=p\nCLAUDE_UID=${String(uid)}\n`);
    await chmod(join(root, 'client-setup/.credentials.json'), 0o600);
    expect((await up(['up', '-d'])).stderr).toBe('');
  });
});

describe('./claude', () => {
  const running = (services: string): Promise<void> => docker([{ when: ['ps', '--services'], stdout: services }]);

  function claude(args: string[], options: Partial<ScriptOptions> = {}) {
    return runScript(join(root, 'claude'), args, { env, ...options });
  }

  it('execs into the running claude-cli container, arguments and stdin passed through', async () => {
    await running('postgres\nproxy\ndashboard\nclaude-cli\n');
    const run = await claude(['Explain async/await in JavaScript', '', 'a "quoted" $arg'], { stdin: 'context from stdin\n', cwd: tmpdir() });
    expect(run.code, run.stderr).toBe(0);
    const calls = await composeCalls();
    expect(calls.map((call) => call.args)).toEqual([
      [...prefix(), 'ps', '--services', '--filter', 'status=running'],
      [...prefix(), 'exec', '-T', 'claude-cli', 'claude', 'Explain async/await in JavaScript', '', 'a "quoted" $arg'],
    ]);
    expect(calls.map((call) => call.stdin)).toEqual(['', 'context from stdin\n']);
  });

  it('runs a one-off container (run --rm) when the stack is not up', async () => {
    await running('postgres\n');
    await claude(['-p', 'hi']);
    expect((await composeCalls()).at(-1)?.args).toEqual([...prefix(), 'run', '-T', '--rm', 'claude-cli', 'claude', '-p', 'hi']);
  });

  it('with no arguments starts claude with none (interactive at a terminal)', async () => {
    await running('claude-cli\n');
    await claude([]);
    expect((await composeCalls()).at(-1)?.args).toEqual([...prefix(), 'exec', '-T', 'claude-cli', 'claude']);
  });

  it('passes claude’s exit code back', async () => {
    await docker([{ when: ['ps', '--services'], stdout: 'claude-cli\n' }, { when: ['exec'], exitCode: 3 }]);
    expect((await claude(['hi'])).code).toBe(3);
  });
});
