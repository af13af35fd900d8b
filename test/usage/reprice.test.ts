/** `nexus reprice`: stored costs recomputed with the current table, roll-ups rebuilt to match. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, writeUsageBatch, type Database, type UsageRecord } from '../../src/storage/index.js';
import { repriceUsage } from '../../src/usage/index.js';
import { BACKENDS, createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { usageRecord } from '../support/usage-records.js';

const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));

function record(id: string, startedAt: string, overrides: Partial<UsageRecord>): UsageRecord {
  return usageRecord({ id, startedAt, domain: 'd', account: 'a', inputTokens: 1000, outputTokens: 100, ...overrides });
}

describe.each(BACKENDS)('reprice on $name', (backend) => {
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

  it('fixes wrong and unknown costs from a date on, and rebuilds the roll-ups', async () => {
    await writeUsageBatch(db, [
      // Recorded before the model had a price: unknown.
      record('old', '2026-10-01T10:00:00Z', { costUsd: null }),
      record('a', '2026-11-20T10:00:00Z', { costUsd: null }),
      // Recorded with a wrong price.
      record('b', '2026-11-21T10:00:00Z', { costUsd: '9.000000000000' }),
      // Still unknown after repricing.
      record('c', '2026-11-22T10:00:00Z', { model: 'claude-future-9', costUsd: null }),
      // No tokens: nothing to price.
      record('d', '2026-11-22T11:00:00Z', { inputTokens: 0, outputTokens: 0, costUsd: '0' }),
    ]);
    const result = await repriceUsage(db, { since: new Date('2026-11-01T00:00:00Z') });
    expect(result).toEqual({ examined: 4, changed: 2, unpricedModels: ['claude-future-9'] });
    const costs = await db.query<{ id: string; cost_usd: string | null }>('SELECT id, cost_usd FROM requests ORDER BY id');
    // claude-opus-5-5: 1000 × $4/MTok + 100 × $20/MTok = 4000 + 2000 = 6000 µ$ = $0.006
    expect(Object.fromEntries(costs.map((row) => [row.id, row.cost_usd]))).toEqual({
      a: '0.006000000000',
      b: '0.006000000000',
      c: null,
      d: '0.000000000000',
      old: null,
    });
    const [november] = await db.query<{ cost: string; unpriced: number }>(
      "SELECT sum(cost_usd)::text AS cost, sum(unpriced_requests)::int AS unpriced FROM usage_daily WHERE day >= '2026-11-01'",
    );
    expect(november).toEqual({ cost: '0.012000000000', unpriced: 1 });
    const [october] = await db.query<{ unpriced: number }>("SELECT sum(unpriced_requests)::int AS unpriced FROM usage_hourly WHERE hour < '2026-11-01'");
    expect(october?.unpriced).toBe(1);
  });
});

describe('nexus reprice', () => {
  it('runs against DATABASE_URL and reports what it changed; refuses a bad date with exit code 2', async () => {
    const testDb = await createPostgresDatabase();
    try {
      const db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
      await writeUsageBatch(db, [record('x', '2026-11-20T10:00:00Z', { costUsd: '1' })]);
      await db.close();
      const run = promisify(execFile);
      const { stdout } = await run(process.execPath, [BIN, 'reprice', '--since', '20261101'], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: testDb.url } });
      expect(stdout).toMatch(/1 examined, 1 changed, roll-ups rebuilt/);
      const failure = await run(process.execPath, [BIN, 'reprice', '--since', '2026-13-45'], { env: { PATH: process.env.PATH ?? '' } }).catch((error: unknown) => error as { code: number; stderr: string });
      expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('--since must be a date') as string });
    } finally {
      await testDb.drop();
    }
  });
});
