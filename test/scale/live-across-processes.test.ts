/**
 * The dashboard and the proxies as separate processes on one PostgreSQL (as in Docker Compose, or
 * with several proxy instances): a request through either proxy reaches the dashboard's live feed
 * through LISTEN/NOTIFY, once, within a second or two — no polling of the database.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_API_KEY, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { send } from '../support/http.js';
import { spawnNexusProxy, killChildren } from '../support/nexus-process.js';
import { waitUntil } from '../support/wait-until.js';

const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));
const DASHBOARD_KEY = 'cnd_live_across_processes_key_0123456789';
const children: ChildProcessWithoutNullStreams[] = [];
const responses: IncomingMessage[] = [];
let fake: FakeAnthropic;
let workDir: string;
let testDb: TestDatabase;

beforeEach(async () => {
  fake = await startFakeAnthropic();
  workDir = await mkdtemp(join(tmpdir(), 'nexus-live-'));
  testDb = await createPostgresDatabase();
});

afterEach(async () => {
  for (const res of responses.splice(0)) res.destroy();
  await killChildren(children);
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
  await testDb.drop();
});

function env(name: string): Record<string, string> {
  return {
    CLAUDE_API_BASE_URL: fake.url,
    CREDENTIALS_DIR: join(workDir, 'credentials'),
    DATABASE_URL: testDb.url,
    DATA_DIR: join(workDir, name),
    DASHBOARD_API_KEY: DASHBOARD_KEY,
    LOG_LEVEL: 'info',
  };
}

async function spawnDashboard(): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'dashboard'], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', DASHBOARD_PORT: '0', HOST: '127.0.0.1', ...env('dashboard') },
  });
  children.push(child);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return waitUntil(() => /"url":"(http:\/\/[^"]+)","msg":"dashboard listening"/.exec(stdout)?.[1], 'the dashboard to listen', { timeoutMs: 20_000 });
}

it('delivers requests made through two other proxy processes to the dashboard live feed, once each', async () => {
  const [dashboardUrl, proxyA, proxyB] = await Promise.all([
    spawnDashboard(),
    spawnNexusProxy(env('a'), workDir, children),
    spawnNexusProxy(env('b'), workDir, children),
  ]);
  let feed = '';
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest(`${dashboardUrl}/api/live`, { headers: { 'x-api-key': DASHBOARD_KEY } }, (res) => {
      responses.push(res);
      expect(res.statusCode).toBe(200);
      res.on('data', (chunk: Buffer) => (feed += chunk.toString()));
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  await waitUntil(() => (feed.includes(': connected') ? true : undefined), 'the live stream to open');
  // The LISTEN connection opens in the background: give it a moment before the first write.
  await new Promise((resolve) => setTimeout(resolve, 500));

  const post = (url: string, model: string) =>
    send(url, {
      method: 'POST',
      path: '/v1/messages',
      headers: { 'x-api-key': DEFAULT_API_KEY },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
  expect((await post(proxyA.url, 'claude-opus-5-5')).status).toBe(200);
  expect((await post(proxyB.url, 'claude-haiku-4-5')).status).toBe(200);

  const events = await waitUntil(() => {
    const found = [...feed.matchAll(/event: request\ndata: (.+)\nid: (req_nexus_\w+)\n\n/g)].map((match) => JSON.parse(match[1] ?? '{}') as { id: string; model: string; inputTokens: number });
    return found.length >= 2 ? found : undefined;
  }, 'both requests on the live feed', { timeoutMs: 10_000 });
  expect(events.map((event) => event.model).sort()).toEqual(['claude-haiku-4-5', 'claude-opus-5-5']);
  expect(events.every((event) => event.inputTokens === 42)).toBe(true);
  // Once each: nothing more arrives.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect([...feed.matchAll(/event: request\n/g)]).toHaveLength(2);
});
