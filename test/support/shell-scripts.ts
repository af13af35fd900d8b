/**
 * Runs the Docker integration's shell scripts on the host, with recording stubs standing in for the
 * commands they call (docker, claude, nexus, …): each stub logs its argv, environment and stdin.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a stub was called with. */
export interface StubCall {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Everything read from stdin (empty when stdin was a terminal). */
  stdin: string;
  stdinIsTty: boolean;
}

/** A canned answer: the first rule whose words all appear in the arguments applies. */
export interface StubRule {
  when: string[];
  stdout?: string;
  exitCode?: number;
}

export interface StubOptions {
  /** JSON lines of StubCall, one per call, shared by every stub of a test. */
  log: string;
  rules?: StubRule[];
  /** Exit code when no rule matches (default 0). */
  exitCode?: number;
}

/** Writes an executable stub `dir/name` (a tiny Node script: no shell quoting can blur what it saw). */
export async function createStub(dir: string, name: string, options: StubOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  const config = JSON.stringify({ name, log: options.log, rules: options.rules ?? [], exitCode: options.exitCode ?? 0 });
  await writeFile(
    path,
    `#!${process.execPath}
const fs = require('node:fs');
const config = ${config};
const args = process.argv.slice(2);
const stdinIsTty = process.stdin.isTTY === true;
let stdin = '';
if (!stdinIsTty) { try { stdin = fs.readFileSync(0, 'utf8'); } catch { stdin = ''; } }
fs.appendFileSync(config.log, JSON.stringify({ name: config.name, args, env: process.env, stdin, stdinIsTty }) + '\\n');
const rule = config.rules.find((r) => r.when.every((word) => args.includes(word)));
if (rule && rule.stdout) process.stdout.write(rule.stdout);
process.exitCode = rule && rule.exitCode !== undefined ? rule.exitCode : config.exitCode;
`,
  );
  await chmod(path, 0o755);
  return path;
}

export async function readCalls(log: string): Promise<StubCall[]> {
  let text: string;
  try {
    text = await readFile(log, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as StubCall);
}

export interface ScriptResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ScriptOptions {
  /** The whole environment of the script (nothing is inherited). */
  env: Record<string, string>;
  /** Written to stdin, which is then closed. */
  stdin?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Run as this user id (needs root). */
  uid?: number;
}

/** A PATH of the stub folders first, then node and the system's tools (never node_modules/.bin). */
export function pathWith(...dirs: string[]): string {
  return [...dirs, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
}

/** Runs `command args` to the end with exactly `env`, killing it past the deadline. */
export function runScript(command: string, args: readonly string[], options: ScriptOptions): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    const timeoutMs = options.timeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${String(timeoutMs)} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
