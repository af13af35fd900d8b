/** A database outage never costs a request or a record: records wait in the spool and arrive exactly once when it is back. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { openDatabase, type Database, type UsageRecord } from '../../src/storage/index.js';
import { createRecorder, type Recorder, type RecorderStatus } from '../../src/usage/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { expectedRollup, ledgerTotals } from '../support/ledger-totals.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';
import { startTcpRelay, type TcpRelay } from '../support/tcp-relay.js';
import { startTraffic } from '../support/traffic.js';
import { waitUntil } from '../support/wait-until.js';
import { usageRecord as baseRecord } from '../support/usage-records.js';

// Issue 8's fault test: the database gone for 30 s under steady traffic (~15 requests/s, ~40 s in all).
const TOTAL = 600;
const OUTAGE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('usage ledger on PostgreSQL through a database outage', () => {
  let testDb: TestDatabase;
  let relay: TcpRelay;
  let h: Harness;
  let recorder: Recorder;
  let recorderOpen = true;

  beforeEach(async () => {
    testDb = await createPostgresDatabase();
    const target = new URL(testDb.url);
    relay = await startTcpRelay({ host: target.hostname, port: Number(target.port || '5432') });
    h = await startHarness({ databaseUrl: relay.rewrite(testDb.url) });
    if (h.recorder === undefined) throw new Error('the harness has no recorder');
    recorder = h.recorder;
    recorderOpen = true;
  });

  afterEach(async () => {
    await relay.start();
    if (recorderOpen) await recorder.close();
    await h.close();
    await relay.close();
    await rm(h.dataDir, { recursive: true, force: true });
    await testDb.drop();
  });

  it('DB stopped during traffic then restarted → every record arrives exactly once', async () => {
    // Connected and migrated before the traffic, as the bin does at start.
    await recorder.flush();
    expect(recorder.status()).toMatchObject({ database: 'up', backlog: 0 });
    const traffic = startTraffic({ url: h.url, total: TOTAL, concurrency: 4, pauseMs: 250 });
    await waitUntil(() => (traffic.answers.length >= 15 ? true : undefined), 'the first 15 answers');
    await relay.stop();
    const stoppedAt = Date.now();
    const answeredAtStop = traffic.answers.length;
    const down = await waitUntil((): RecorderStatus | undefined => {
      const status = recorder.status();
      return status.database === 'down' && status.backlog > 0 ? status : undefined;
    }, 'the recorder to report the database down with a backlog');
    await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
    const endOfOutage = recorder.status();
    const answeredDuringOutage = traffic.answers.length - answeredAtStop;
    await relay.start();
    const restartedAt = Date.now();
    const outageMs = restartedAt - stoppedAt;

    await traffic.done;
    await h.flushUsage();
    const recovered = await waitUntil(async () => {
      await recorder.flush();
      const status = recorder.status();
      return status.database === 'up' && status.backlog === 0 ? status : undefined;
      // The driver's own reconnect backoff (postgres.js, up to 20 s) can hold the first write after the restart.
    }, 'the spool backlog to drain', { timeoutMs: 30_000 });
    const recoveryMs = Date.now() - restartedAt;

    const db = await h.database();
    const totals = await ledgerTotals(db);
    const recordedIds = (await db.query<{ upstream_request_id: string | null }>('SELECT upstream_request_id FROM requests')).map((row) => row.upstream_request_id);
    const answeredIds = traffic.answers.map((res) => res.headers['request-id']);
    const [bodies] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM request_bodies');
    console.log(
      `outage ${outageMs} ms, drained ${recoveryMs} ms after the restart; ${TOTAL} requests, ${answeredDuringOutage} answered while down; backlog at detection ${down.backlog}, ` +
        `at end of outage ${endOfOutage.backlog}; rows ${totals.requests.rows}, distinct ids ${totals.requests.ids}, stored bodies ${bodies?.n ?? 0}`,
    );

    expect(traffic.failures).toEqual([]);
    expect(traffic.answers.map((res) => res.status)).toEqual(Array<number>(TOTAL).fill(200));
    expect(answeredDuringOutage).toBeGreaterThan(0);
    expect(endOfOutage).toMatchObject({ database: 'down' });
    expect(endOfOutage.backlog).toBeGreaterThanOrEqual(down.backlog);
    expect(recovered).toMatchObject({ database: 'up', backlog: 0, lastError: null });

    expect(totals.requests.rows).toBe(TOTAL);
    expect(totals.requests.ids).toBe(TOTAL);
    expect(new Set(recordedIds)).toEqual(new Set(answeredIds));
    expect(new Set(answeredIds).size).toBe(TOTAL);
    // The fake's DEFAULT_USAGE per request: the rows carry the real numbers, the roll-ups count each row once.
    expect(totals.requests).toMatchObject({ input: 42 * TOTAL, output: 12 * TOTAL, cacheWrite: 1500 * TOTAL, cacheRead: 20_000 * TOTAL });
    expect(totals.hourly).toEqual(expectedRollup(totals));
    expect(totals.daily).toEqual(expectedRollup(totals));
    // Bodies travel in the spool with their record: none lost to the outage either.
    expect(bodies?.n).toBe(TOTAL);

    await recorder.close();
    recorderOpen = false;
    expect((await readdir(join(h.dataDir, 'spool'))).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  }, 180_000);
});

function usageRecord(index: number): UsageRecord {
  return baseRecord({
    id: `req_nexus_connect_retry_${String(index)}`,
    startedAt: new Date().toISOString(),
    domain: 'localhost',
    account: 'key_0123456789abcdef',
    stream: false,
    inputTokens: 10 + index,
    outputTokens: 5,
    costUsd: '0.000100000000',
  });
}

describe('usage recorder whose database cannot be opened at first (PGlite)', () => {
  it('keeps the records made while connect() fails and writes them once it succeeds', async () => {
    const spoolDir = await mkdtemp(join(tmpdir(), 'nexus-spool-'));
    const db: Database = await openDatabase({ databaseUrl: 'memory://', dataDir: spoolDir });
    let attempts = 0;
    const recorder = createRecorder({
      connect: () => {
        attempts += 1;
        return attempts <= 3 ? Promise.reject(new Error(`connection refused (attempt ${attempts})`)) : Promise.resolve(db);
      },
      spoolDir,
      logger: createLogger({ level: 'silent' }),
      flushIntervalMs: 20,
      retryMs: 30,
      maxRetryMs: 60,
    });
    try {
      for (let i = 0; i < 5; i++) recorder.record(usageRecord(i));
      await recorder.flush();
      const down = recorder.status();
      expect(down).toMatchObject({ database: 'down', backlog: 5 });
      expect(down.lastError).toMatch(/connection refused/);
      for (let i = 5; i < 8; i++) recorder.record(usageRecord(i));

      await waitUntil(() => (recorder.status().backlog === 0 ? true : undefined), 'the spooled records to be written', { timeoutMs: 5000 });
      expect(attempts).toBe(4);
      expect(recorder.status()).toMatchObject({ database: 'up', backlog: 0, lastError: null });
      const totals = await ledgerTotals(db);
      expect(totals.requests).toMatchObject({ rows: 8, ids: 8, input: 8 * 10 + 28, output: 40, cost: '0.000800000000' });
      expect(totals.hourly).toEqual(expectedRollup(totals));
      expect(totals.daily).toEqual(expectedRollup(totals));
    } finally {
      await recorder.close();
      await rm(spoolDir, { recursive: true, force: true });
    }
  });
});
