/** The claude-cli container's entry point, run on the host: dispatch by command name and the credential copy. */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStub, pathWith, readCalls, REPO_ROOT, runScript } from '../support/shell-scripts.js';

const ENTRYPOINT = join(REPO_ROOT, 'docker/claude-cli/entrypoint.sh');

let dir: string;
let log: string;
let env: Record<string, string>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nexus-entrypoint-'));
  log = join(dir, 'calls.jsonl');
  for (const name of ['claude', 'ccusage', 'monitor']) await createStub(join(dir, 'bin'), name, { log });
  await mkdir(join(dir, 'client-setup'));
  env = { PATH: pathWith(join(dir, 'bin')), HOME: join(dir, 'home'), CLIENT_SETUP_DIR: join(dir, 'client-setup') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function dispatch(args: string[]): Promise<{ name: string; args: string[] }> {
  const run = await runScript(ENTRYPOINT, args, { env });
  expect(run.code, run.stderr).toBe(0);
  const calls = await readCalls(log);
  expect(calls).toHaveLength(1);
  const [call] = calls;
  return { name: call?.name ?? '', args: call?.args ?? [] };
}

describe('entrypoint.sh dispatch', () => {
  const cases: [string[], string, string[]][] = [
    [['claude', '-p', 'Explain Docker containers'], 'claude', ['-p', 'Explain Docker containers']],
    [['cli', '--version'], 'claude', ['--version']],
    [['ccusage', 'daily'], 'ccusage', ['daily']],
    [['usage', 'weekly', '--json'], 'ccusage', ['weekly', '--json']],
    [['monitor'], 'monitor', []],
    [['claude-monitor', '--timezone', 'Europe/Berlin'], 'monitor', ['--timezone', 'Europe/Berlin']],
    [[], 'claude', []],
    [['Explain Docker containers'], 'claude', ['Explain Docker containers']],
    [['--model', 'opus', 'two words', ''], 'claude', ['--model', 'opus', 'two words', '']],
    [['What is "$HOME" and `id`?'], 'claude', ['What is "$HOME" and `id`?']],
  ];
  for (const [args, name, passed] of cases) {
    it(`${JSON.stringify(args)} runs ${name} ${JSON.stringify(passed)}`, async () => {
      expect(await dispatch(args)).toEqual({ name, args: passed });
    });
  }

  it('shell runs /bin/sh with the rest', async () => {
    const run = await runScript(ENTRYPOINT, ['shell', '-c', 'echo "in a shell: $1"', 'sh', 'yes'], { env });
    expect(run.stdout).toBe('in a shell: yes\n');
    expect(await readCalls(log)).toEqual([]);
  });

  it('idle keeps the container up until SIGTERM, then exits 0 at once', async () => {
    const child = spawn(ENTRYPOINT, ['idle'], { env, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(child.exitCode).toBeNull();
    const sent = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => { resolve('hung'); }, 3000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(Date.now() - sent).toBeLessThan(2000);
  });
});

describe('entrypoint.sh credential copy', () => {
  it('copies client-setup/.credentials.json into CLAUDE_HOME with mode 0600 in a 0700 folder', async () => {
    const content = '{"type":"api_key","api_key":"sk-ant-api03-entry"}\n';
    await writeFile(join(dir, 'client-setup/.credentials.json'), content, { mode: 0o644 });
    env.CLAUDE_HOME = join(dir, 'home/.claude');
    await dispatch(['ccusage']);
    const copy = join(dir, 'home/.claude/.credentials.json');
    expect(await readFile(copy, 'utf8')).toBe(content);
    expect((await stat(copy)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'home/.claude'))).mode & 0o777).toBe(0o700);
  });

  it('defaults CLAUDE_HOME to ~/.claude and leaves no temporary file', async () => {
    await writeFile(join(dir, 'client-setup/.credentials.json'), '{}');
    await dispatch(['monitor']);
    expect(await readdir(join(dir, 'home/.claude'))).toEqual(['.credentials.json']);
  });

  it('starts without a credentials file (ccusage and monitor need none)', async () => {
    expect(await dispatch(['ccusage', 'monthly'])).toEqual({ name: 'ccusage', args: ['monthly'] });
    await expect(stat(join(dir, 'home/.claude/.credentials.json'))).rejects.toThrow();
  });
});
