/** The built `nexus` bin (dist/main/nexus.js) as users run it: exactly the env given (plus PATH), stdin piped, with a deadline. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Written to stdin, which is then closed. */
  stdin?: string;
  timeoutMs?: number;
}

export interface SpawnedCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Settles with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts `nexus <args>` and leaves stdin open for the test to write. */
export function spawnNexus(args: readonly string[], options: CliOptions = {}): SpawnedCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? process.cwd(), env: { PATH: process.env.PATH ?? '', ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs `nexus <args>` to the end (stdin written and closed), killing it past the deadline. */
export async function runNexus(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const cli = spawnNexus(args, options);
  cli.child.stdin.end(options.stdin ?? '');
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`nexus ${args.join(' ')} did not finish within ${String(timeoutMs)} ms: ${cli.stderr()}`));
    }, timeoutMs);
  });
  try {
    const code = await Promise.race([cli.exited, deadline]);
    return { code, stdout: cli.stdout(), stderr: cli.stderr() };
  } finally {
    clearTimeout(timer);
  }
}
