/** The reports' member, team and project filters and `--by`, through the built bin on PostgreSQL, table and JSON. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addMember } from '../../src/people/index.js';
import { openDatabase, writeUsageBatch, type Database } from '../../src/storage/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { runNexus } from '../support/nexus-cli.js';
import { usageRecord } from '../support/usage-records.js';

let pg: TestDatabase;
let db: Database;
let work: string;

beforeAll(async () => {
  pg = await createPostgresDatabase();
  work = await mkdtemp(join(tmpdir(), 'nexus-reports-people-'));
  db = await openDatabase({ databaseUrl: pg.url, dataDir: work });
  const ana = await addMember(db, { email: 'ana@example.com', teams: ['platform', 'web'] });
  const bo = await addMember(db, { email: 'bo@example.com', teams: ['web'] });
  const at = (day: number, hour: number): string => new Date(Date.UTC(2026, 10, day, hour)).toISOString();
  await writeUsageBatch(db, [
    usageRecord({ id: 'req_p1', startedAt: at(2, 9), memberId: ana.id, project: 'billing', inputTokens: 100, outputTokens: 10, costUsd: '1.000000000000' }),
    usageRecord({ id: 'req_p2', startedAt: at(2, 10), memberId: bo.id, project: 'billing', inputTokens: 200, outputTokens: 20, costUsd: '2.000000000000' }),
    usageRecord({ id: 'req_p3', startedAt: at(3, 9), memberId: ana.id, project: 'website', inputTokens: 300, outputTokens: 30, costUsd: '4.000000000000' }),
    usageRecord({ id: 'req_p4', startedAt: at(3, 11), project: null, inputTokens: 400, outputTokens: 40, costUsd: '8.000000000000' }),
  ]);
});
afterAll(async () => {
  await db.close();
  await pg.drop();
  await rm(work, { recursive: true, force: true });
});

const report = (args: string[]) => runNexus([...args, '-z', 'UTC', '--since', '20261101'], { env: { DATABASE_URL: pg.url, DATA_DIR: work }, cwd: work });

interface Daily {
  daily: { date: string; totalCost: number; memberBreakdowns?: { member: string | null; cost: number; requests: number }[]; projectBreakdowns?: { project: string | null; cost: number }[] }[];
  totals: { totalCost: number; requests: number };
}

it('filters by member, team and project', async () => {
  const cost = async (args: string[]): Promise<number> => {
    const result = await report(['daily', '--json', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as Daily).totals.totalCost;
  };
  expect(await cost(['--member', 'ANA@example.com'])).toBe(5);
  expect(await cost(['--team', 'web'])).toBe(7);
  expect(await cost(['--team', 'platform'])).toBe(5);
  expect(await cost(['--project', 'billing'])).toBe(3);
  expect(await cost(['-p', 'website', '--member', 'bo@example.com'])).toBe(0);
  expect(await cost([])).toBe(15);
});

it('breaks each day down by member or project, in JSON and in the table', async () => {
  const json = await report(['daily', '--json', '--by', 'member']);
  expect(json.code, json.stderr).toBe(0);
  const days = (JSON.parse(json.stdout) as Daily).daily;
  expect(days.map((d) => [d.date, d.memberBreakdowns?.map((m) => [m.member, m.cost, m.requests])])).toEqual([
    ['2026-11-02', [['bo@example.com', 2, 1], ['ana@example.com', 1, 1]]],
    ['2026-11-03', [[null, 8, 1], ['ana@example.com', 4, 1]]],
  ]);
  const byProject = JSON.parse((await report(['monthly', '--json', '--by', 'project'])).stdout) as { monthly: Daily['daily'] };
  expect(byProject.monthly[0]?.projectBreakdowns?.map((p) => [p.project, p.cost])).toEqual([[null, 8], ['website', 4], ['billing', 3]]);

  const table = await report(['daily', '--by', 'project']);
  expect(table.code, table.stderr).toBe(0);
  expect(table.stdout).toContain('· billing');
  expect(table.stdout).toContain('· (no project)');
  const refused = await report(['session', '--by', 'member']);
  expect(refused.code).toBe(2);
  expect(refused.stderr.trim()).toBe('nexus: --by is for the daily, weekly and monthly reports, not session. Run "nexus --help" for usage.');
});
