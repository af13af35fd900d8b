/** kill -9 of the built bin loses no answered request's record and doubles none: the next start replays the spool once. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/index.js';
import { startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { expectedRollup, ledgerTotals, type LedgerTotals } from '../support/ledger-totals.js';
import { spawnNexusProxy, type NexusHealth, type NexusProcess, killChildren } from '../support/nexus-process.js';
import { spooledIds, spoolSegments } from '../support/spool-files.js';
import { startTcpRelay, type TcpRelay } from '../support/tcp-relay.js';
import { startTraffic } from '../support/traffic.js';
import { waitUntil } from '../support/wait-until.js';

const TOTAL = 24;
const children: ChildProcessWithoutNullStreams[] = [];
const relays: TcpRelay[] = [];
let fake: FakeAnthropic;
let workDir: string;
let dataDir: string;
let testDb: TestDatabase | null = null;

beforeEach(async () => {
  fake = await startFakeAnthropic();
  workDir = await mkdtemp(join(tmpdir(), 'nexus-crash-'));
  dataDir = join(workDir, 'data');
});

afterEach(async () => {
  await killChildren(children);
  for (const relay of relays.splice(0)) await relay.close();
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
  await testDb?.drop();
  testDb = null;
});

function envFor(databaseUrl: string | undefined): Record<string, string> {
  return {
    CLAUDE_API_BASE_URL: fake.url,
    DATA_DIR: dataDir,
    CREDENTIALS_DIR: join(workDir, 'credentials'),
    LOG_LEVEL: 'info',
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
  };
}

/** TOTAL requests, half streaming, four at a time; every one must be answered 200. Returns the upstream request ids. */
async function sendTraffic(proxyUrl: string): Promise<string[]> {
  const traffic = startTraffic({ url: proxyUrl, total: TOTAL, concurrency: 4, pauseMs: 10 });
  await traffic.done;
  expect(traffic.failures).toEqual([]);
  expect(traffic.answers.map((res) => res.status)).toEqual(Array<number>(TOTAL).fill(200));
  return traffic.answers.map((res) => String(res.headers['request-id']));
}

function healthWhere(nexus: NexusProcess, predicate: (health: NexusHealth) => boolean, what: string, timeoutMs = 40_000): Promise<NexusHealth> {
  return waitUntil(async () => {
    const health = await nexus.health();
    return predicate(health) ? health : undefined;
  }, what, { timeoutMs });
}

async function killHard(nexus: NexusProcess): Promise<void> {
  nexus.child.kill('SIGKILL');
  expect(await nexus.exited).toBeNull();
  expect(nexus.child.signalCode).toBe('SIGKILL');
}

/** Waits until the restarted bin has replayed every leftover segment and reports a clean ledger. */
async function waitForReplay(nexus: NexusProcess): Promise<NexusHealth> {
  await waitUntil(async () => ((await spoolSegments(dataDir)).length === 0 ? true : undefined), 'the spool to be replayed and removed', { timeoutMs: 40_000 });
  return healthWhere(nexus, (health) => health.database === 'up' && health.spoolBacklog === 0, 'the database up with no backlog');
}

/** The ledger's sums and ids; `databaseUrl` undefined opens the PGlite under DATA_DIR (only once the bin has exited). */
async function readLedger(databaseUrl: string | undefined): Promise<{ totals: LedgerTotals; ids: string[]; upstreamIds: (string | null)[] }> {
  const db = await openDatabase({ databaseUrl, dataDir, migrate: false });
  try {
    const rows = await db.query<{ id: string; upstream_request_id: string | null }>('SELECT id, upstream_request_id FROM requests');
    return { totals: await ledgerTotals(db), ids: rows.map((row) => row.id), upstreamIds: rows.map((row) => row.upstream_request_id) };
  } finally {
    await db.close();
  }
}

/** Whether the first process ever reached the database: it creates the tables on connect. */
async function requestsTableExists(databaseUrl: string): Promise<boolean> {
  const db = await openDatabase({ databaseUrl, dataDir, migrate: false });
  try {
    const [row] = await db.query<{ found: boolean }>("SELECT to_regclass('public.requests') IS NOT NULL AS found");
    return row?.found ?? false;
  } finally {
    await db.close();
  }
}

function expectExactlyOnce(ledger: Awaited<ReturnType<typeof readLedger>>, answered: string[], spooled: string[]): void {
  expect(ledger.totals.requests.rows).toBe(TOTAL);
  expect(ledger.totals.requests.ids).toBe(TOTAL);
  expect(new Set(ledger.upstreamIds)).toEqual(new Set(answered));
  expect(new Set(ledger.ids)).toEqual(new Set(spooled));
  expect(ledger.totals.requests).toMatchObject({ input: 42 * TOTAL, output: 12 * TOTAL, cacheRead: 20_000 * TOTAL });
  expect(ledger.totals.hourly).toEqual(expectedRollup(ledger.totals));
  expect(ledger.totals.daily).toEqual(expectedRollup(ledger.totals));
}

describe('kill -9 while PostgreSQL is unreachable', () => {
  it('keeps every answered request in the spool and writes each exactly once at the next start', async () => {
    testDb = await createPostgresDatabase();
    const target = new URL(testDb.url);
    const relay = await startTcpRelay({ host: target.hostname, port: Number(target.port || '5432') });
    relays.push(relay);
    await relay.stop();
    const env = envFor(relay.rewrite(testDb.url));

    const first = await spawnNexusProxy(env, workDir, children);
    await healthWhere(first, (health) => health.database === 'down', 'the first process to find the database down');
    const answered = await sendTraffic(first.url);
    await healthWhere(first, (health) => health.spoolBacklog === TOTAL, `all ${TOTAL} records in the spool`, 5000);
    await killHard(first);

    const spooled = await spooledIds(dataDir);
    expect(spooled).toHaveLength(TOTAL);
    expect(new Set(spooled).size).toBe(TOTAL);
    expect(await requestsTableExists(testDb.url)).toBe(false);
    const segmentsAtKill = (await spoolSegments(dataDir)).length;

    await relay.start();
    const startedAt = Date.now();
    const second = await spawnNexusProxy(env, workDir, children);
    await waitForReplay(second);
    console.log(`postgres, unreachable then killed: ${spooled.length} records in ${segmentsAtKill} spool segment(s), replayed ${Date.now() - startedAt} ms after the restart`);
    expectExactlyOnce(await readLedger(testDb.url), answered, spooled);
    expect(second.stdout()).toContain('replayed spooled usage records');

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});

describe.each([{ backend: 'postgres' }, { backend: 'pglite' }] as const)('kill -9 right after traffic on $backend', ({ backend }) => {
  it('restarts and replays the spool: count = distinct ids = requests answered', async () => {
    testDb = backend === 'postgres' ? await createPostgresDatabase() : null;
    const databaseUrl = testDb?.url;
    const env = envFor(databaseUrl);

    const first = await spawnNexusProxy(env, workDir, children);
    await healthWhere(first, (health) => health.database === 'up', 'the first process to open the database');
    const answered = await sendTraffic(first.url);
    // The record of an answered request is on disk a moment after its last byte: wait for that, then kill at once.
    const spooled = await waitUntil(async () => {
      const ids = await spooledIds(dataDir);
      return ids.length >= TOTAL ? ids : undefined;
    }, `all ${TOTAL} records in the spool`, { timeoutMs: 5000 });
    await killHard(first);
    expect(new Set(spooled).size).toBe(TOTAL);
    const writtenBeforeKill = databaseUrl === undefined ? null : (await readLedger(databaseUrl)).totals.requests.rows;

    const second = await spawnNexusProxy(env, workDir, children);
    await waitForReplay(second);
    if (databaseUrl === undefined) {
      // PGlite is one process's: read it once the bin has let go of it.
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    const ledger = await readLedger(databaseUrl);
    console.log(`${backend}, killed after traffic: ${TOTAL} answered, ${writtenBeforeKill ?? 'unknown'} in the database at the kill, ${ledger.totals.requests.rows} rows after the replay`);
    expectExactlyOnce(ledger, answered, spooled);
    if (databaseUrl !== undefined) {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 90_000);
});
