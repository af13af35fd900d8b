/** One storage suite, run against PostgreSQL and PGlite alike. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, rebuildRollups, writeUsageBatch, type Database, type UsageRecord } from '../../src/storage/index.js';
import { migrate } from '../../src/storage/migrate.js';
import { openPostgres } from '../../src/storage/postgres-database.js';
import { BACKENDS, createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { usageRecord as baseRecord } from '../support/usage-records.js';

/** Every field set to a recognisable value, so a round trip can be checked field by field. */
function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return baseRecord({
    upstreamRequestId: 'req_011abc',
    clientKeyId: 'ck_123',
    model: 'claude-opus-4-5',
    inputTokens: 10,
    outputTokens: 20,
    cacheWriteTokens: 30,
    cacheWrite5mTokens: 10,
    cacheWrite1hTokens: 20,
    cacheReadTokens: 40,
    serviceTier: 'standard',
    costUsd: '0.000123456789',
    priceVersion: 'test',
    ttfbMs: 12.5,
    durationMs: 100,
    sessionId: 'sess-1',
    userAgent: 'claude-cli/2.1.330',
    conversationId: 'sess-1',
    ...overrides,
  });
}

describe.each(BACKENDS)('storage on $name', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    testDb = await backend.create();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it('applies the migrations once and records them', async () => {
    const versions = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    const { migrate, loadMigrations } = await import('../../src/storage/index.js');
    const files = await loadMigrations();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(versions.map((row) => row.version)).toEqual(files.map((file) => file.version));
    expect((await migrate(db)).applied).toEqual([]);
  });

  it('refuses a database migrated by a newer version, with a clear message', async () => {
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from-the-future')");
    const { migrate } = await import('../../src/storage/index.js');
    await expect(migrate(db)).rejects.toThrow(/schema is at version 999, newer than this Claude Nexus knows \(\d+\)\. Upgrade Claude Nexus/);
  });

  it('stores every field of a record and reads it back exactly', async () => {
    const record = usageRecord({ serverToolUse: { web_search_requests: 2 }, webSearchRequests: 2, inferenceGeo: 'us' });
    expect(await writeUsageBatch(db, [record])).toBe(1);
    const [row] = await db.query('SELECT * FROM requests WHERE id = $1', [record.id]);
    expect(row).toMatchObject({
      id: record.id,
      upstream_request_id: 'req_011abc',
      domain: 'team.example.com',
      account: 'team',
      client_key_id: 'ck_123',
      model: 'claude-opus-4-5',
      stream: true,
      status: 200,
      outcome: 'completed',
      input_tokens: 10,
      output_tokens: 20,
      cache_write_tokens: 30,
      cache_write_5m_tokens: 10,
      cache_write_1h_tokens: 20,
      cache_read_tokens: 40,
      web_search_requests: 2,
      server_tool_use: { web_search_requests: 2 },
      inference_geo: 'us',
      cost_usd: '0.000123456789',
      ttfb_ms: 12.5,
      session_id: 'sess-1',
    });
    expect((row?.started_at as Date).toISOString()).toBe('2026-11-24T10:15:00.000Z');
  });

  it('is idempotent: a replayed batch adds nothing, roll-ups included', async () => {
    const records = [usageRecord(), usageRecord({ model: 'claude-haiku-4-5', costUsd: '0.5' }), usageRecord({ costUsd: '0.000000000001' })];
    expect(await writeUsageBatch(db, records)).toBe(3);
    expect(await writeUsageBatch(db, records)).toBe(0);
    expect(await writeUsageBatch(db, [...records, usageRecord({ costUsd: null })])).toBe(1);
    const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM requests');
    expect(count?.n).toBe(4);
    const hourly = await db.query<{ model: string; requests: number; cost_usd: string; unpriced_requests: number; input_tokens: number }>(
      'SELECT model, requests, cost_usd, unpriced_requests, input_tokens FROM usage_hourly ORDER BY model',
    );
    expect(hourly).toEqual([
      { model: 'claude-haiku-4-5', requests: 1, cost_usd: '0.500000000000', unpriced_requests: 0, input_tokens: 10 },
      // Exact NUMERIC sums: 0.000123456789 + 0.000000000001 + NULL.
      { model: 'claude-opus-4-5', requests: 3, cost_usd: '0.000123456790', unpriced_requests: 1, input_tokens: 30 },
    ]);
    const [daily] = await db.query<{ day: unknown; requests: number }>("SELECT day::text AS day, sum(requests)::int AS requests FROM usage_daily GROUP BY day");
    expect(daily).toEqual({ day: '2026-11-24', requests: 4 });
  });

  it('counts errors and failures in the roll-ups, and buckets by UTC hour', async () => {
    await writeUsageBatch(db, [
      usageRecord({ startedAt: '2026-11-24T10:59:59.999Z', status: 529, outcome: 'completed', errorType: 'overloaded_error' }),
      usageRecord({ startedAt: '2026-11-24T11:00:00.000Z', status: 200, outcome: 'failed' }),
      usageRecord({ startedAt: '2026-11-24T11:30:00.000Z', status: 200, outcome: 'aborted' }),
    ]);
    const rows = await db.query<{ hour: Date; requests: number; errors: number }>('SELECT hour, requests, errors FROM usage_hourly ORDER BY hour');
    expect(rows.map((row) => [row.hour.toISOString(), row.requests, row.errors])).toEqual([
      ['2026-11-24T10:00:00.000Z', 1, 1],
      ['2026-11-24T11:00:00.000Z', 2, 1],
    ]);
  });

  it('keeps the rate-limit headers as a time series per account, once per request', async () => {
    const record = usageRecord({
      rateLimit: {
        headers: { 'anthropic-ratelimit-unified-5h-utilization': '0.42', 'anthropic-ratelimit-unified-status': 'allowed' },
        unifiedStatus: 'allowed',
        fiveHourUtilization: 0.42,
        fiveHourReset: '2026-11-24T14:00:00.000Z',
        sevenDayUtilization: 0.1,
        sevenDayReset: '2026-11-30T00:00:00.000Z',
      },
    });
    await writeUsageBatch(db, [record]);
    await writeUsageBatch(db, [record]);
    const rows = await db.query<{ five_hour_utilization: number; five_hour_reset: Date; headers: Record<string, string> }>(
      'SELECT five_hour_utilization, five_hour_reset, headers FROM rate_limit_snapshots WHERE account = $1',
      ['team'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.five_hour_utilization).toBe(0.42);
    expect(rows[0]?.five_hour_reset.toISOString()).toBe('2026-11-24T14:00:00.000Z');
    expect(rows[0]?.headers['anthropic-ratelimit-unified-status']).toBe('allowed');
  });

  it('keeps the per-session roll-up equal to one rebuilt from the requests, across batches and replays', async () => {
    const session = (id: string, startedAt: string, overrides: Partial<UsageRecord> = {}): UsageRecord =>
      usageRecord({ conversationId: id, sessionId: id.startsWith('s') ? id : null, startedAt, ...overrides });
    const first = [
      session('s-1', '2026-11-23T23:50:00.000Z', { inputTokens: 100, costUsd: '0.25' }),
      session('s-1', '2026-11-24T00:10:00.000Z', { model: 'claude-haiku-4-5', costUsd: null }),
      session('h-abc', '2026-11-24T01:00:00.000Z', { outputTokens: 7 }),
    ];
    const second = [session('s-1', '2026-11-24T02:00:00.000Z', { inputTokens: 5, costUsd: '0.000000000001' }), usageRecord({ conversationId: null })];
    await writeUsageBatch(db, first);
    await writeUsageBatch(db, second);
    await writeUsageBatch(db, first); // a replay adds nothing
    const read = (): Promise<Record<string, unknown>[]> =>
      db.query('SELECT * FROM usage_sessions ORDER BY conversation_id, domain, account, model');
    const incremental = await read();
    expect(incremental.map((row) => [row.conversation_id, row.model, Number(row.requests)])).toEqual([
      ['h-abc', 'claude-opus-4-5', 1],
      ['s-1', 'claude-haiku-4-5', 1],
      ['s-1', 'claude-opus-4-5', 2],
    ]);
    const opus = incremental.find((row) => row.conversation_id === 's-1' && row.model === 'claude-opus-4-5');
    expect(String(opus?.cost_usd)).toBe('0.250000000001');
    expect(Number(opus?.input_tokens)).toBe(105);
    expect((opus?.first_at as Date).toISOString()).toBe('2026-11-23T23:50:00.000Z');
    expect((opus?.last_at as Date).toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(Number(incremental.find((row) => row.model === 'claude-haiku-4-5')?.unpriced_requests)).toBe(1);
    await rebuildRollups(db, new Date('2026-11-24T12:00:00Z'));
    expect(await read()).toEqual(incremental);
    await rebuildRollups(db, null);
    expect(await read()).toEqual(incremental);
  });

  it('stores bodies as text, headers as JSON, and keeps the first copy on a replay', async () => {
    const body = `{"messages":[{"role":"user","content":"héllo ${'x'.repeat(5000)}"}]}`;
    const bodies = {
      requestHeaders: { 'content-type': 'application/json', 'x-claude-code-session-id': 's1' },
      responseHeaders: { 'request-id': 'req_1' },
      request: body,
      response: null,
      requestTruncated: true,
      responseTruncated: false,
    };
    const record = usageRecord({ bodies });
    await writeUsageBatch(db, [record]);
    await writeUsageBatch(db, [{ ...record, bodies: { ...bodies, request: 'replayed' } }]);
    const rows = await db.query<{ request_text: string; response_text: string | null; request_headers: Record<string, string>; request_truncated: boolean }>(
      'SELECT request_text, response_text, request_headers, request_truncated FROM request_bodies',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.request_text).toBe(body);
    expect(rows[0]?.response_text).toBeNull();
    expect(rows[0]?.request_headers['x-claude-code-session-id']).toBe('s1');
    expect(rows[0]?.request_truncated).toBe(true);
  });

  it('writes a record with no bodies and no rate-limit snapshot without touching those tables', async () => {
    await writeUsageBatch(db, [usageRecord({ bodies: null, rateLimit: null })]);
    const [counts] = await db.query<{ bodies: number; limits: number }>(
      'SELECT (SELECT count(*) FROM request_bodies)::int AS bodies, (SELECT count(*) FROM rate_limit_snapshots)::int AS limits',
    );
    expect(counts).toEqual({ bodies: 0, limits: 0 });
  });

  it('writes large batches in one call', async () => {
    const records = Array.from({ length: 1200 }, (_, i) => usageRecord({ id: `req_bulk_${i}` }));
    expect(await writeUsageBatch(db, records)).toBe(1200);
    const [sum] = await db.query<{ requests: number }>('SELECT sum(requests)::int AS requests FROM usage_daily');
    expect(sum?.requests).toBe(1200);
  });
});

describe('the embedded database on its own thread', () => {
  let db: Database;
  beforeEach(async () => {
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/nonexistent', migrate: false });
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
  });
  afterEach(async () => {
    await db.close();
  });

  it('runs a long statement while this thread goes on serving timers', async () => {
    let turns = 0;
    const ticker = setInterval(() => {
      turns += 1;
    }, 1);
    const [row] = await db.query<{ total: string }>('SELECT sum(n)::text AS total FROM generate_series(1, 3000000) AS n');
    clearInterval(ticker);
    expect(row?.total).toBe('4500001500000');
    // On the calling thread, the WebAssembly would have run to the end before any timer fired.
    expect(turns).toBeGreaterThan(3);
  });

  it('keeps a transaction whole while other statements wait for its end', async () => {
    const inside = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      await new Promise((resolve) => setTimeout(resolve, 30));
      await tx.query('INSERT INTO t VALUES (2)');
    });
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    await inside;
    expect((await outside)[0]?.n).toBe(2);
  });

  it('rolls back a transaction whose work threw, and passes that error on', async () => {
    const failing = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
      throw new Error('work failed');
    });
    await expect(failing).rejects.toThrow('work failed');
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t'))[0]?.n).toBe(0);
  });

  it('reports a refused statement with its SQLSTATE, as the recorder needs to tell bad data from an outage', async () => {
    await db.query('INSERT INTO t VALUES (1)');
    await expect(db.query('INSERT INTO t VALUES (1)')).rejects.toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key') as string });
  });

  it('returns bytea as Buffer, int8 as number and numeric as exact text', async () => {
    const [row] = await db.query('SELECT $1::bytea AS bytes, 9007199254740991::int8 AS big, 0.1::numeric + 0.2 AS exact', [Buffer.from('hi')]);
    expect(Buffer.isBuffer(row?.bytes)).toBe(true);
    expect(row).toEqual({ bytes: Buffer.from('hi'), big: 9007199254740991, exact: '0.3' });
  });

  it('creates a new data directory on a thread of its own, so the first start keeps no creation memory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-pglite-'));
    try {
      // A process of its own: the figure is its resident memory once the database is open.
      const storage = new URL('../../dist/storage/index.js', import.meta.url).href;
      const script = `const { openDatabase } = await import(${JSON.stringify(storage)});
        const db = await openDatabase({ databaseUrl: undefined, dataDir: ${JSON.stringify(join(dataDir, 'data'))} });
        const [row] = await db.query('SELECT count(*)::int AS n FROM requests');
        console.log(JSON.stringify({ rows: row.n, rssMb: process.memoryUsage.rss() / 1048576 }));
        await db.close();`;
      const file = join(dataDir, 'open.mjs');
      writeFileSync(file, script);
      const { stdout } = await promisify(execFile)(process.execPath, [file]);
      const opened = JSON.parse(stdout) as { rows: number; rssMb: number };
      expect(opened.rows).toBe(0);
      // Creating it on the serving thread left ~820 MB resident; created apart, ~430 MB (as a reopen).
      expect(opened.rssMb).toBeLessThan(640);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses statements after close, with a clear message', async () => {
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow('the embedded database is closed');
  });
});

describe('PostgreSQL behind a pooler that loses prepared statements', () => {
  let testDb: TestDatabase;
  let db: Database;
  beforeEach(async () => {
    testDb = await createPostgresDatabase();
    // One connection, so the statement prepared by the first write is the one DEALLOCATE drops.
    db = openPostgres(testDb.url, { max: 1 });
    await migrate(db);
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it('writes on, unprepared, when the server no longer knows the prepared batch statement', async () => {
    expect(await writeUsageBatch(db, [usageRecord({ id: 'req_before' })])).toBe(1);
    // What a transaction-mode pooler does between two statements: another server connection.
    await db.query('DEALLOCATE ALL');
    expect(await writeUsageBatch(db, [usageRecord({ id: 'req_after' })])).toBe(1);
    expect(await writeUsageBatch(db, [usageRecord({ id: 'req_later' })])).toBe(1);
    const rows = await db.query<{ id: string }>('SELECT id FROM requests ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(['req_after', 'req_before', 'req_later']);
    const [daily] = await db.query<{ requests: number }>('SELECT sum(requests)::int AS requests FROM usage_daily');
    expect(daily?.requests).toBe(3);
  });
});
