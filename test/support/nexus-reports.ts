/** Runs the built `nexus` report commands (dist/main/nexus.js) once, as a user would, with a deadline. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is the whole environment (plus PATH): nothing leaks in from the test runner's. */
export function runNexus(args: readonly string[], env: Record<string, string> = {}, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? process.cwd(), env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nexus ${args.join(' ')} did not finish within ${String(options.timeoutMs ?? 20_000)} ms: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a report with `--json` and parses what it printed. */
export async function nexusJson<T>(args: readonly string[], env: Record<string, string>, options: { cwd?: string } = {}): Promise<T> {
  const run = await runNexus([...args, '--json'], env, options);
  if (run.code !== 0) throw new Error(`nexus ${args.join(' ')} exited ${String(run.code)}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
