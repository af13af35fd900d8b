/**
 * `nexus members` and `nexus keys` as users run them: the built bin, against PostgreSQL directly
 * and through a dashboard (--url), a new key alone on stdout, bad input one line and exit 2.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findManagedDomain } from '../../src/credentials/index.js';
import { openDatabase, type Database } from '../../src/storage/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { runNexus, type CliResult } from '../support/nexus-cli.js';

const DASHBOARD_KEY = 'dashboard-key-for-people-cli-tests-0123456789';
let pg: TestDatabase;
let db: Database;
let work: string;
let credentialsDir: string;
let dashboard: DashboardServer;

beforeAll(async () => {
  pg = await createPostgresDatabase();
  work = await mkdtemp(join(tmpdir(), 'nexus-people-cli-'));
  credentialsDir = join(work, 'credentials');
  await mkdir(credentialsDir, { recursive: true });
  await writeFile(join(credentialsDir, 'team.example.com.credentials.json'), JSON.stringify({ type: 'api_key', api_key: 'sk-ant-api03-x' }), { mode: 0o600 });
  db = await openDatabase({ databaseUrl: pg.url, dataDir: work });
  dashboard = await startDashboardServer({ apiKey: DASHBOARD_KEY, database: () => Promise.resolve(db), domains: (text) => findManagedDomain(credentialsDir, text) });
});
afterAll(async () => {
  await dashboard.close();
  await db.close();
  await pg.drop();
  await rm(work, { recursive: true, force: true });
});

const direct = (args: string[]): Promise<CliResult> =>
  runNexus(args, { env: { DATABASE_URL: pg.url, CREDENTIALS_DIR: credentialsDir, DATA_DIR: join(work, 'data') }, cwd: work });
const viaDashboard = (args: string[]): Promise<CliResult> =>
  runNexus([...args, '--url', dashboard.url], { env: { NEXUS_API_KEY: DASHBOARD_KEY, DATA_DIR: join(work, 'data') }, cwd: work });

function refused(result: CliResult, message: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^nexus: /);
  expect(lines[0]).toContain(message);
}

describe.each([
  ['the database', direct],
  ['a dashboard (--url)', viaDashboard],
] as const)('nexus members and keys through %s', (where, run) => {
  const email = where === 'the database' ? 'ana@example.com' : 'cy@example.com';

  it('adds a member, creates their key alone on stdout, lists it without the key, revokes it once', async () => {
    const added = await run(['members', 'add', email, '--name', 'Ana', '--team', 'web', '--team', 'platform']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`Added ${email} (platform, web)`);

    const created = await run(['keys', 'create', 'team.example.com', '--member', email, '--label', 'laptop', '--expires', '2099-12-31', '--models', 'claude-haiku-4-5,claude-sonnet-4-5']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(created.stdout).toBe(`${key}\n`);
    expect(key).toMatch(/^nxk_[A-Za-z0-9_-]{40}$/);
    expect(created.stderr).not.toContain(key);

    const listed = await run(['keys', 'list', '--member', email, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain(key);
    const [entry] = (JSON.parse(listed.stdout) as { keys: { id: string; display: string; expiresAt: string; allowedModels: string[] }[] }).keys;
    expect(entry?.display).toBe(`${key.slice(0, 12)}…${key.slice(-4)}`);
    expect(entry?.expiresAt).toBe('2100-01-01T00:00:00.000Z');
    expect(entry?.allowedModels).toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5']);

    const table = await run(['members', 'list']);
    expect(table.stdout).toContain(email);
    expect(table.stdout).toContain('platform, web');

    const revoked = await run(['keys', 'revoke', key.slice(0, 12)]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${entry?.id ?? ''}`);
    refused(await run(['keys', 'revoke', entry?.id ?? '']), 'already revoked');
  });

  it('answers bad input with one line and exit code 2', async () => {
    refused(await run(['members', 'add', email]), 'already exists');
    refused(await run(['members', 'add', 'not-an-email']), 'is not an email address');
    refused(await run(['keys', 'create', 'team.example.com', '--member', 'nobody@example.com']), 'no member with the email nobody@example.com');
    refused(await run(['keys', 'create', 'unknown.example.com', '--member', email]), 'no credentials file for unknown.example.com');
    refused(await run(['keys', 'create', 'team.example.com', '--member', email, '--expires', '2026-02-30']), '--expires must be a date as YYYY-MM-DD');
    refused(await run(['keys', 'create', 'team.example.com', '--member', email, '--expires', '2001-01-01']), 'not in the future');
    refused(await run(['keys', 'create', 'team.example.com']), 'needs --member');
    refused(await run(['keys', 'revoke', 'key_doesnotexist']), 'no key key_doesnotexist');
    refused(await run(['members', 'remove', 'nobody@example.com']), 'no member with the email');
    refused(await run(['keys', 'frobnicate']), 'unknown keys command "frobnicate"');
  });

  it('removes a member: their keys are revoked', async () => {
    expect((await run(['keys', 'create', 'team.example.com', '--member', email])).code).toBe(0);
    const removed = await run(['members', 'remove', email]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe(`Removed ${email}; 1 key revoked.\n`);
    const keys = JSON.parse((await run(['keys', 'list', '--json'])).stdout) as { keys: { memberEmail: string; revokedAt: string | null }[] };
    expect(keys.keys.filter((k) => k.memberEmail === email).every((k) => k.revokedAt !== null)).toBe(true);
  });
});
