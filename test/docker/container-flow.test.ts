/**
 * The claude-cli container's flow, end to end without Docker: the image's commands laid out as in
 * /usr/local/bin (claude → claude-wrapper.sh, ccusage/monitor → monitor-wrapper.sh, nexus), the real
 * Claude Code CLI, `nexus proxy` and `nexus dashboard` as separate processes on PostgreSQL as in
 * compose, and the compose network's name `proxy:3000` (the Host the proxy sees) via HTTP_PROXY.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEFAULT_MODEL, DEFAULT_TEXT, ORGANIZATION_ID, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { startComposeNetwork, type ComposeNetwork } from '../support/compose-network.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { spawnNexusProxy, type NexusProcess } from '../support/nexus-process.js';
import { pathWith, REPO_ROOT, runScript, type ScriptResult } from '../support/shell-scripts.js';
import { waitUntil } from '../support/wait-until.js';

const CLIENT_KEY = 'cnk_docker_flow_client_key_0123456789';
const DASHBOARD_KEY = 'cnd_docker_flow_dashboard_key_0123456789';
const ACCESS = 'sk-ant-oat01-docker-flow-access';
const REFRESH = 'sk-ant-ort01-docker-flow-refresh';
const NEXUS_BIN = join(REPO_ROOT, 'dist/main/nexus.js');

let root: string;
let testDb: TestDatabase;
let fake: FakeAnthropic;
let proxy: NexusProcess;
let dashboardUrl: string;
let network: ComposeNetwork;
const spawned: ChildProcessWithoutNullStreams[] = [];

/** `nexus dashboard` as its own process, like the compose service; resolves with its URL. */
async function spawnDashboard(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [NEXUS_BIN, 'dashboard'], { cwd: root, env: { PATH: process.env.PATH ?? '', DASHBOARD_PORT: '0', HOST: '127.0.0.1', ...env } });
  spawned.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return waitUntil(() => {
    if (child.exitCode !== null) throw new Error(`nexus dashboard exited: ${output}`);
    return /"url":"(http:\/\/[^"]+)","msg":"dashboard listening"/.exec(output)?.[1];
  }, 'nexus dashboard to listen', { timeoutMs: 20_000 });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nexus-container-'));
  // The image's /usr/local/bin.
  const bin = join(root, 'bin');
  await mkdir(bin);
  await symlink(join(REPO_ROOT, 'docker/claude-cli/claude-wrapper.sh'), join(bin, 'claude'));
  for (const name of ['ccusage', 'monitor']) await symlink(join(REPO_ROOT, 'docker/claude-cli/monitor-wrapper.sh'), join(bin, name));
  await symlink(NEXUS_BIN, join(bin, 'nexus'));
  for (const dir of ['credentials', 'client-setup', 'workspace', 'proxy-data', 'dashboard-data']) await mkdir(join(root, dir));
  await writeFile(join(root, 'credentials/proxy.credentials.json'), JSON.stringify({ type: 'api_key', api_key: DEFAULT_API_KEY, client_api_key: CLIENT_KEY, accountId: 'docker-team' }), { mode: 0o600 });

  testDb = await createPostgresDatabase();
  fake = await startFakeAnthropic({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }] });
  proxy = await spawnNexusProxy(
    { DATABASE_URL: testDb.url, CLAUDE_API_BASE_URL: fake.url, CREDENTIALS_DIR: join(root, 'credentials'), DATA_DIR: join(root, 'proxy-data'), LOG_LEVEL: 'info' },
    root,
    spawned,
  );
  dashboardUrl = await spawnDashboard({ DATABASE_URL: testDb.url, DASHBOARD_API_KEY: DASHBOARD_KEY, DATA_DIR: join(root, 'dashboard-data'), LOG_LEVEL: 'info' });
  network = await startComposeNetwork({ 'proxy:3000': Number(new URL(proxy.url).port) });
}, 60_000);

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
  await network.close();
  await fake.close();
  await testDb.drop();
  await rm(root, { recursive: true, force: true });
});

/** The container's environment (Dockerfile ENV and compose environment), pointed at this host's stand-ins. */
function containerEnv(): Record<string, string> {
  return {
    PATH: pathWith(join(root, 'bin')),
    HOME: join(root, 'home'),
    CLAUDE_HOME: join(root, 'home/.claude'),
    CLIENT_SETUP_DIR: join(root, 'client-setup'),
    CLAUDE_CODE_BIN: join(REPO_ROOT, 'node_modules/.bin/claude'),
    ANTHROPIC_BASE_URL: 'http://proxy:3000',
    HTTP_PROXY: network.url,
    NEXUS_URL: dashboardUrl,
    NEXUS_API_KEY: DASHBOARD_KEY,
    DISABLE_AUTOUPDATER: '1',
    // Offline and fast, as in the other Claude Code tests.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
}

function inContainer(command: string, args: string[]): Promise<ScriptResult> {
  return runScript(command, args, { env: containerEnv(), cwd: join(root, 'workspace'), timeoutMs: 60_000 });
}

async function recorded(): Promise<{ domain: string; account: string; model: string; input_tokens: string }[]> {
  const client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  try {
    return (await client.query<{ domain: string; account: string; model: string; input_tokens: string }>('SELECT domain, account, model, input_tokens FROM requests WHERE path LIKE $1 ORDER BY started_at', ['/v1/messages%'])).rows;
  } catch {
    return [];
  } finally {
    await client.end();
  }
}

interface DailyJson {
  daily: { date: string; inputTokens: number; outputTokens: number; modelsUsed: string[]; requests: number }[];
  totals: { inputTokens: number; requests: number };
}

describe('the claude-cli container’s flow, without Docker', () => {
  it('`run --rm claude-cli claude -p …` (the entrypoint path) with the proxy’s client key: recorded under domain proxy, the file’s account', async () => {
    await writeFile(join(root, 'client-setup/.credentials.json'), JSON.stringify({ type: 'api_key', api_key: CLIENT_KEY }), { mode: 0o600 });
    const run = await inContainer(join(REPO_ROOT, 'docker/claude-cli/entrypoint.sh'), ['claude', '-p', 'Say hello', '--output-format', 'json']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(run.stdout) as { result: string; is_error: boolean };
    expect(result.is_error).toBe(false);
    expect(result.result).toContain(DEFAULT_TEXT);

    // The compose name reached the proxy as the Host; the real key went upstream, the client key did not.
    expect(network.seen).toContain('proxy:3000');
    const upstream = fake.received.find((request) => request.path === '/v1/messages');
    expect(upstream?.headers['x-api-key']).toBe(DEFAULT_API_KEY);
    expect(JSON.stringify(upstream?.rawHeaders)).not.toContain(CLIENT_KEY);
    // The credential copy in the container's home is private.
    expect((await stat(join(root, 'home/.claude/.credentials.json'))).mode & 0o777).toBe(0o600);

    const rows = await waitUntil(async () => ((await recorded()).length >= 1 ? recorded() : undefined), 'the request to be recorded', { timeoutMs: 15_000 });
    expect(rows).toEqual([{ domain: 'proxy', account: 'docker-team', model: DEFAULT_MODEL, input_tokens: '42' }]);
  });

  it('`exec claude-cli ccusage daily` shows that request, read from the dashboard', async () => {
    const json = await inContainer(join(root, 'bin/ccusage'), ['daily', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const daily = JSON.parse(json.stdout) as DailyJson;
    expect(daily.totals.requests).toBe(1);
    expect(daily.totals.inputTokens).toBe(42);
    expect(daily.daily[0]?.modelsUsed).toContain(DEFAULT_MODEL);

    // The seed's command as written: the table.
    const table = await inContainer(join(REPO_ROOT, 'docker/claude-cli/entrypoint.sh'), ['ccusage', 'daily']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('42');
    expect(table.stdout).toMatch(/Total/i);
  });

  it('`exec -T claude-cli monitor` prints the live block of that account, read from the dashboard, until stopped', async () => {
    const child = spawn(join(root, 'bin/monitor'), ['--refresh-seconds', '1'], { env: containerEnv(), cwd: join(root, 'workspace') });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await waitUntil(() => (output.includes('docker-team') ? true : undefined), `the monitor to show the account (so far: ${output})`, { timeoutMs: 15_000 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).not.toContain('\u001b[');
  });

  it('`exec claude-cli claude` with Claude Code’s own OAuth login in passthrough: recorded under domain proxy, the organization', async () => {
    // No credentials file for "proxy": the proxy forwards the client's own token (passthrough).
    await rm(join(root, 'credentials/proxy.credentials.json'));
    await writeFile(
      join(root, 'client-setup/.credentials.json'),
      JSON.stringify({ claudeAiOauth: { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: Date.now() + 3_600_000, scopes: ['user:inference'] } }),
    );
    const before = fake.received.length;
    const run = await inContainer(join(root, 'bin/claude'), ['-p', 'Say hello', '--output-format', 'json']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect((JSON.parse(run.stdout) as { result: string }).result).toContain(DEFAULT_TEXT);
    const upstream = fake.received.slice(before).find((request) => request.path === '/v1/messages');
    expect(upstream?.headers.authorization).toBe(`Bearer ${ACCESS}`);
    expect(JSON.parse(await readFile(join(root, 'home/.claude/.credentials.json'), 'utf8'))).toHaveProperty('claudeAiOauth');

    const rows = await waitUntil(async () => ((await recorded()).length >= 2 ? recorded() : undefined), 'the second request to be recorded', { timeoutMs: 15_000 });
    expect(rows[1]).toMatchObject({ domain: 'proxy', account: `org_${ORGANIZATION_ID}` });
  });

  it('`run --rm claude-cli claude "Compare these implementations" /workspace/impl1.js /workspace/impl2.js`: the file names reach Claude', async () => {
    const before = fake.received.length;
    const run = await inContainer(join(REPO_ROOT, 'docker/claude-cli/entrypoint.sh'), ['claude', 'Compare these implementations', '/workspace/impl1.js', '/workspace/impl2.js']);
    expect(run.code, run.stderr).toBe(0);
    const upstream = fake.received.slice(before).find((request) => request.path === '/v1/messages');
    expect(upstream?.body.toString()).toContain('Compare these implementations /workspace/impl1.js /workspace/impl2.js');
  });

  it('`echo … | exec claude-cli claude`: stdin alone is the prompt, answered once', async () => {
    const before = fake.received.length;
    const run = await runScript(join(root, 'bin/claude'), [], { env: containerEnv(), cwd: join(root, 'workspace'), stdin: "Fix this code: console.log('hello world)\n", timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(DEFAULT_TEXT);
    const upstream = fake.received.slice(before).find((request) => request.path === '/v1/messages');
    expect(upstream?.body.toString()).toContain("console.log('hello world)");
  });
});
