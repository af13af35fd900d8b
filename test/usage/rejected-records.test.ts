/** A record the database refuses is set aside; the records around it are written and the ledger keeps going. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { openDatabase, type Database, type UsageRecord } from '../../src/storage/index.js';
import { createRecorder } from '../../src/usage/index.js';
import { BACKENDS, type TestDatabase } from '../support/databases.js';
import { usageRecord } from '../support/usage-records.js';

function record(id: string, costUsd: string): UsageRecord {
  return usageRecord({ id, domain: 'd', account: 'a', model: 'm', stream: false, inputTokens: 1, outputTokens: 1, costUsd });
}

describe.each(BACKENDS)('refused records on $name', (backend) => {
  let testDb: TestDatabase;
  let spoolDir: string;
  beforeEach(async () => {
    testDb = await backend.create();
    spoolDir = await mkdtemp(join(tmpdir(), 'nexus-spool-'));
  });
  afterEach(async () => {
    await testDb.drop();
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('sets the bad one aside and writes the others', async () => {
    let db: Database | null = null;
    const logger = createLogger({ level: 'silent', destination: new PassThrough() });
    const recorder = createRecorder({
      connect: async () => (db = await openDatabase({ databaseUrl: testDb.url, dataDir: spoolDir })),
      spoolDir,
      logger,
      flushIntervalMs: 10,
    });
    // numeric(24,12) holds 12 integer digits: this cost overflows (SQLSTATE 22003).
    recorder.record(record('ok-1', '0.5'));
    recorder.record(record('bad', '9999999999999.0'));
    recorder.record(record('ok-2', '0.25'));
    await recorder.flush();
    recorder.record(record('ok-3', '0.25'));
    await recorder.flush();
    expect(recorder.status()).toMatchObject({ database: 'up', backlog: 0 });
    const database = db as unknown as Database;
    const rows = await database.query<{ id: string }>('SELECT id FROM requests ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual(['ok-1', 'ok-2', 'ok-3']);
    const rejected = await readFile(join(spoolDir, 'rejected', 'records.jsonl'), 'utf8');
    expect(rejected.trim().split('\n').map((line) => (JSON.parse(line) as { record: { id: string } }).record.id)).toEqual(['bad']);
    await recorder.close();
    expect((await readdir(spoolDir)).filter((name) => name.endsWith('.jsonl'))).toEqual([]);
  });
});
