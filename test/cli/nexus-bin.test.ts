/** The built `nexus` bin, as `npm start` runs it: starts both services, stops cleanly, refuses bad config. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../support/http.js';

const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
let workDir = '';

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
  workDir = '';
});

async function run(args: string[], env: Record<string, string> = {}) {
  if (workDir === '') workDir = await mkdtemp(join(tmpdir(), 'nexus-bin-'));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: workDir, env: { PATH: process.env.PATH ?? '', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('nexus start', () => {
  it('serves the proxy and the dashboard, and exits 0 on SIGTERM', async () => {
    const nexus = await run(['start'], { PORT: '0', DASHBOARD_PORT: '0', HOST: '127.0.0.1' });
    const urls = await waitFor((): Record<string, string> | undefined => {
      const found = [...nexus.stdout().matchAll(/"url":"(http:\/\/[^"]+)","msg":"(proxy|dashboard) listening"/g)];
      return found.length === 2 ? Object.fromEntries(found.map((m) => [m[2] ?? '', m[1] ?? ''])) : undefined;
    }, 'both services to listen', 30_000);
    const proxy = await send(urls.proxy ?? '', { path: '/health' });
    expect(proxy.json()).toMatchObject({ status: 'ok' });
    expect((await send(urls.proxy ?? '', { method: 'HEAD', path: '/' })).status).toBe(200);
    const dashboard = await send(urls.dashboard ?? '', { path: '/' });
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Claude Nexus');
    nexus.child.kill('SIGTERM');
    expect(await nexus.exited).toBe(0);
  });
});

describe('nexus refuses', () => {
  it('a second process on the same embedded database, naming the one that holds it', async () => {
    const env = { PORT: '0', DASHBOARD_PORT: '0', HOST: '127.0.0.1' };
    const first = await run(['proxy'], env);
    await waitFor(() => (first.stdout().includes('proxy listening') ? true : undefined), 'the first proxy to listen', 30_000);
    const second = await run(['proxy'], env);
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toContain(`in use by another nexus process (pid ${String(first.child.pid)})`);
    expect(second.stderr()).not.toMatch(/\n\s+at /); // one line, no stack trace
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Released on exit: the next start takes it.
    const third = await run(['proxy'], env);
    await waitFor(() => (third.stdout().includes('proxy listening') ? true : undefined), 'the third proxy to listen', 30_000);
  });


  it('a bad configuration value, naming the variable, with exit code 2', async () => {
    const nexus = await run(['proxy'], { PORT: 'eighty' });
    expect(await nexus.exited).toBe(2);
    expect(nexus.stderr()).toContain('PORT must be');
  });

  it('an unknown command, with exit code 2 and a pointer to --help', async () => {
    const nexus = await run(['launch']);
    expect(await nexus.exited).toBe(2);
    expect(nexus.stderr()).toMatch(/unknown command "launch".*--help/);
  });

  it('nothing with --help, which lists the commands', async () => {
    const nexus = await run(['--help']);
    expect(await nexus.exited).toBe(0);
    expect(nexus.stdout()).toMatch(/start[\s\S]*proxy[\s\S]*dashboard/);
  });
});

describe('nexus loads what a command needs', () => {
  /** The packages a run of the bin loaded, seen by a module resolve hook in the child. */
  async function packagesLoadedBy(args: string[], stdin = ''): Promise<Set<string>> {
    if (workDir === '') workDir = await mkdtemp(join(tmpdir(), 'nexus-bin-'));
    const hooks = join(workDir, 'hooks.mjs');
    await writeFile(
      hooks,
      `export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        const found = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(resolved.url);
        if (found) process.stderr.write('loaded-package ' + found[1] + '\\n');
        return resolved;
      }`,
    );
    const register = join(workDir, 'register.mjs');
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const child = spawn(process.execPath, ['--import', register, BIN, ...args], { cwd: workDir, env: { PATH: process.env.PATH ?? '' } });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    child.stdin.end(stdin);
    await new Promise((resolve) => child.on('close', resolve));
    return new Set([...stderr.matchAll(/^loaded-package (\S+)$/gm)].map((match) => match[1] ?? ''));
  }

  it('prints its version without loading any package', async () => {
    expect([...(await packagesLoadedBy(['--version']))]).toEqual([]);
  });

  it("answers Claude Code's status line without the services, the proxy's client, the usage tap or the database drivers", async () => {
    const loaded = await packagesLoadedBy(['statusline'], '{}');
    for (const heavy of ['hono', '@hono/node-server', 'undici', 'pino', 'prom-client', 'pg', '@electric-sql/pglite', 'eventsource-parser', 'fzstd']) {
      expect(loaded.has(heavy), heavy).toBe(false);
    }
    // It did run: its configuration is read (and validated) on the way.
    expect(loaded.has('zod')).toBe(true);
  });
});
