/**
 * Two proxy instances on one PostgreSQL and one credentials folder, an expired OAuth token and 100
 * concurrent requests split between them: the token endpoint is called exactly once (a refresh token
 * works once, so a second refresh would log the whole team out), and both instances use the new token.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { send } from '../support/http.js';
import { spawnNexusProxy, killChildren } from '../support/nexus-process.js';

const CLIENT_KEY = 'cnk_two_instances_client_key_0123456789';
const ACCESS = 'sk-ant-oat01-two-instances-expired-access';
const REFRESH = 'sk-ant-ort01-two-instances-refresh';
const children: ChildProcessWithoutNullStreams[] = [];
let fake: FakeAnthropic;
let workDir: string;
let testDb: TestDatabase;

beforeEach(async () => {
  // A slow token endpoint widens the window in which both instances find the token expired.
  fake = await startFakeAnthropic({ oauth: [{ accessToken: ACCESS, refreshToken: REFRESH }], tokenEndpointDelayMs: 300 });
  workDir = await mkdtemp(join(tmpdir(), 'nexus-two-'));
  testDb = await createPostgresDatabase();
});

afterEach(async () => {
  await killChildren(children);
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
  await testDb.drop();
});

it('refreshes an expired OAuth token once across two instances for 100 concurrent requests', async () => {
  const credentialsDir = join(workDir, 'credentials');
  await mkdir(credentialsDir);
  const file = join(credentialsDir, 'team.example.com.credentials.json');
  const expired = { accessToken: ACCESS, refreshToken: REFRESH, expiresAt: new Date(Date.now() - 3_600_000).toISOString() };
  await writeFile(file, JSON.stringify({ type: 'oauth', oauth: expired, client_api_key: CLIENT_KEY, accountId: 'team' }), { mode: 0o600 });
  fake.expireAccessToken(ACCESS);
  const env = (name: string): Record<string, string> => ({
    CLAUDE_API_BASE_URL: fake.url,
    CLAUDE_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token`,
    CREDENTIALS_DIR: credentialsDir,
    DATABASE_URL: testDb.url,
    DATA_DIR: join(workDir, name),
    LOG_LEVEL: 'info',
  });
  const instances = await Promise.all([spawnNexusProxy(env('a'), workDir, children), spawnNexusProxy(env('b'), workDir, children)]);
  // Both connected (the lock lives in the database) before the burst.
  for (const instance of instances) await waitForDatabase(() => instance.health());

  const responses = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      send(instances[i % 2]?.url ?? '', {
        method: 'POST',
        path: '/v1/messages',
        headers: { host: 'team.example.com', 'user-agent': 'claude-cli/2.1.330 (external, cli)', 'x-api-key': CLIENT_KEY },
        body: '{"model":"claude-opus-5-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}',
      }),
    ),
  );
  expect(responses.map((res) => res.status)).toEqual(Array<number>(100).fill(200));
  expect(fake.tokenRequests).toHaveLength(1);
  const [current] = fake.currentOAuth();
  expect(new Set(fake.received.map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${current?.accessToken ?? ''}`]));
  const stored = JSON.parse(await readFile(file, 'utf8')) as { oauth: { accessToken: string; refreshToken: string } };
  expect(stored.oauth).toMatchObject({ accessToken: current?.accessToken, refreshToken: current?.refreshToken });
  for (const instance of instances) expect(instance.stderr() + instance.stdout()).not.toContain(REFRESH);
});

async function waitForDatabase(health: () => Promise<{ database?: string }>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await health()).database !== 'up') {
    if (Date.now() > deadline) throw new Error('instance never connected to the database');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
