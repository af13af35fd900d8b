/** Spawns the built `nexus` bin (dist/main/nexus.js) as a real process and reads its proxy URL off the JSON log. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { send } from './http.js';
import { waitUntil } from './wait-until.js';

const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));

export interface NexusHealth {
  status: string;
  database?: 'up' | 'down' | 'connecting';
  spoolBacklog?: number;
}

export interface NexusProcess {
  child: ChildProcessWithoutNullStreams;
  /** The proxy's `http://127.0.0.1:<port>`. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** Settles with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  health(): Promise<NexusHealth>;
}

/** Starts `nexus proxy` with exactly `env` (plus PATH) and waits, with a deadline, for "proxy listening". */
export async function spawnNexusProxy(env: Record<string, string>, cwd: string, spawned: ChildProcessWithoutNullStreams[]): Promise<NexusProcess> {
  const { process: nexus } = await spawnNexus('proxy', env, cwd, spawned);
  return nexus;
}

/** `nexus start` (proxy and dashboard in one process), DASHBOARD_PORT 0 unless `env` says otherwise. */
export async function spawnNexusStart(env: Record<string, string>, cwd: string, spawned: ChildProcessWithoutNullStreams[]): Promise<NexusProcess & { dashboardUrl: string }> {
  const { process: nexus, dashboardUrl } = await spawnNexus('start', { DASHBOARD_PORT: '0', ...env }, cwd, spawned);
  if (dashboardUrl === undefined) throw new Error('nexus start did not report a dashboard URL');
  return { ...nexus, dashboardUrl };
}

async function spawnNexus(
  command: 'proxy' | 'start',
  env: Record<string, string>,
  cwd: string,
  spawned: ChildProcessWithoutNullStreams[],
): Promise<{ process: NexusProcess; dashboardUrl: string | undefined }> {
  const child = spawn(process.execPath, [BIN, command], { cwd, env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env } });
  spawned.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const died = exited.then((exitCode) => {
    throw new Error(`nexus exited with ${String(exitCode)} before listening: ${stderr}${stdout}`);
  });
  died.catch(() => undefined);
  const urlOf = (service: string): string | undefined => new RegExp(`"url":"(http://[^"]+)","msg":"${service} listening"`).exec(stdout)?.[1];
  const listening = waitUntil(
    () => {
      const url = urlOf('proxy');
      if (url === undefined) return undefined;
      if (command === 'proxy') return { url, dashboardUrl: undefined };
      const dashboardUrl = urlOf('dashboard');
      return dashboardUrl === undefined ? undefined : { url, dashboardUrl };
    },
    `nexus ${command} to listen`,
    // A first start creates the embedded database (initdb): seconds, many more on a loaded 2-core machine.
    { timeoutMs: 40_000 },
  );
  const { url, dashboardUrl } = await Promise.race([listening, died]);
  return {
    dashboardUrl,
    process: {
      child,
      url,
      exited,
      stdout: () => stdout,
      stderr: () => stderr,
      health: async () => (await send(url, { path: '/health', timeoutMs: 2000 })).json<NexusHealth>(),
    },
  };
}

/** Kills (SIGKILL) every child still running and waits until each is gone; empties the list. */
export async function killChildren(spawned: ChildProcessWithoutNullStreams[]): Promise<void> {
  for (const child of spawned.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const gone = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGKILL');
    await gone;
  }
}
