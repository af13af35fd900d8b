/** The nexus image's HEALTHCHECK script against a real `nexus proxy`: healthy while /health answers. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNexusProxy, type NexusProcess } from '../support/nexus-process.js';
import { REPO_ROOT, runScript } from '../support/shell-scripts.js';

const HEALTHCHECK = join(REPO_ROOT, 'docker/healthcheck.mjs');

let dir: string;
let proxy: NexusProcess;
let closedPort: number;
const spawned: ChildProcessWithoutNullStreams[] = [];

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nexus-health-'));
  // The database may be down: the proxy serves (and answers /health) anyway, records wait in the spool.
  proxy = await spawnNexusProxy({ DATABASE_URL: 'postgres://nexus:x@127.0.0.1:1/nexus', DATA_DIR: join(dir, 'data'), CREDENTIALS_DIR: dir, LOG_LEVEL: 'info' }, dir, spawned);
  closedPort = await freePort();
});
afterAll(async () => {
  for (const child of spawned) child.kill('SIGTERM');
  await Promise.all(
    spawned.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode === null) child.once('close', resolve);
          else resolve(null);
        }),
    ),
  );
  await rm(dir, { recursive: true, force: true });
});

function check(service: string, env: Record<string, string>) {
  return runScript(process.execPath, [HEALTHCHECK, service], { env: { PATH: process.env.PATH ?? '', ...env } });
}

describe('docker/healthcheck.mjs', () => {
  it('is healthy when the service’s port answers /health', async () => {
    const result = await check('proxy', { PORT: new URL(proxy.url).port });
    expect(result.code, result.stderr).toBe(0);
  });

  it('is unhealthy, saying why, when nothing answers', async () => {
    const result = await check('dashboard', { DASHBOARD_PORT: String(closedPort) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`:${String(closedPort)}/health`);
  });

  it('start needs both services', async () => {
    const result = await check('start', { PORT: new URL(proxy.url).port, DASHBOARD_PORT: String(closedPort) });
    expect(result.code).toBe(1);
  });

  it('refuses a service it does not know', async () => {
    const result = await check('postgres', {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown service "postgres"');
  });
});
