/**
 * The dashboard's keyset pages on both backends: walking the requests older and newer visits every
 * row exactly once, in order, even when many share a start time (ties broken by id) or differ only
 * in microseconds; counts agree between the roll-ups and the rows; the conversations list pages
 * through sessions with several models without repeating or losing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRequests,
  listRequests,
  listSessions,
  openDatabase,
  requestsBeyond,
  writeUsageBatch,
  type Database,
  type RequestCursor,
  type RequestFilters,
  type SessionCursor,
  type UsageRecord,
} from '../../src/storage/index.js';
import { BACKENDS, type TestDatabase } from '../support/databases.js';
import { usageRecord } from '../support/usage-records.js';

const BASE = Date.parse('2026-11-24T10:00:00Z');
const RANGE = { since: new Date(BASE - 3_600_000), until: new Date(BASE + 3 * 3_600_000) };

/** 40 requests: groups of four sharing one instant, two pairs a few microseconds apart, two accounts, some errors. */
function records(): UsageRecord[] {
  const rows: UsageRecord[] = [];
  for (let i = 0; i < 40; i += 1) {
    const instant = new Date(BASE + Math.floor(i / 4) * 60_000).toISOString();
    rows.push(
      usageRecord({
        id: `req_k_${String((i * 7) % 40).padStart(2, '0')}`,
        startedAt: i >= 36 ? instant.replace('.000Z', `.000${String(100 + i)}Z`) : instant,
        account: i % 3 === 0 ? 'ci' : 'team',
        status: i % 5 === 0 ? 529 : 200,
        conversationId: `conv_${String(i % 6)}`,
        model: i % 4 < 2 ? 'claude-opus-5-5' : 'claude-haiku-4-5',
        inputTokens: 10,
        costUsd: '0.000010000000',
      }),
    );
  }
  return rows;
}

/** The newest-first order the pages promise: start time (to the microsecond) desc, then id desc. */
function expectedOrder(rows: UsageRecord[], keep: (row: UsageRecord) => boolean = () => true): string[] {
  const micros = (iso: string): bigint => {
    const match = /\.(\d+)Z$/.exec(iso);
    const fraction = (match?.[1] ?? '').padEnd(6, '0');
    return BigInt(Date.parse(iso.replace(/\.\d+Z$/, 'Z'))) * 1000n + BigInt(fraction);
  };
  return rows
    .filter(keep)
    .sort((a, b) => (micros(a.startedAt) === micros(b.startedAt) ? (a.id < b.id ? 1 : -1) : micros(a.startedAt) < micros(b.startedAt) ? 1 : -1))
    .map((row) => row.id);
}

describe.each(BACKENDS)('keyset pages on $name', (backend) => {
  let testDb: TestDatabase;
  let db: Database;
  const written = records();

  beforeAll(async () => {
    testDb = await backend.create();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    await writeUsageBatch(db, written);
  });

  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  async function walkOlder(filters: RequestFilters, limit: number): Promise<{ pages: string[][]; cursors: RequestCursor[] }> {
    const pages: string[][] = [];
    const cursors: RequestCursor[] = [];
    let before: RequestCursor | undefined;
    for (let guard = 0; guard < 100; guard += 1) {
      const page = await listRequests(db, { ...filters, limit, before });
      pages.push(page.rows.map((row) => row.id));
      const last = page.rows.at(-1);
      if (!page.more || last === undefined) break;
      cursors.push(last.cursor);
      before = last.cursor;
    }
    return { pages, cursors };
  }

  it('walks every request once, newest first, through ties and microseconds', async () => {
    const { pages } = await walkOlder(RANGE, 6);
    expect(pages.map((page) => page.length)).toEqual([6, 6, 6, 6, 6, 6, 4]);
    expect(pages.flat()).toEqual(expectedOrder(written));
  });

  it('walks back newer from the oldest page to the newest, the same rows in the same pages', async () => {
    const { pages } = await walkOlder(RANGE, 6);
    const lastPage = await listRequests(db, { ...RANGE, limit: 6, before: (await walkOlder(RANGE, 6)).cursors.at(-1) });
    expect(lastPage.rows.map((row) => row.id)).toEqual(pages.at(-1));
    const back: string[][] = [];
    let after = lastPage.rows[0]?.cursor;
    for (let guard = 0; guard < 20 && after !== undefined; guard += 1) {
      const page = await listRequests(db, { ...RANGE, limit: 6, after });
      back.push(page.rows.map((row) => row.id));
      after = page.rows[0]?.cursor;
      if (!page.more) break;
    }
    expect(back).toEqual(pages.slice(0, -1).reverse());
    expect(await requestsBeyond(db, { ...RANGE, cursor: lastPage.rows[0]?.cursor ?? { atMicros: '0', id: '' }, direction: 'older' })).toBe(true);
    const newest = (await listRequests(db, { ...RANGE, limit: 1 })).rows[0];
    expect(await requestsBeyond(db, { ...RANGE, cursor: newest?.cursor ?? { atMicros: '0', id: '' }, direction: 'newer' })).toBe(false);
  });

  it('pages a filtered view without gaps, and counts it the same from roll-ups and from rows', async () => {
    const filters: RequestFilters = { ...RANGE, account: 'team', status: 'ok' };
    const keep = (row: UsageRecord): boolean => row.account === 'team' && row.status < 400;
    const { pages } = await walkOlder(filters, 5);
    expect(pages.flat()).toEqual(expectedOrder(written, keep));
    const fromRollups = await countRequests(db, filters);
    expect(fromRollups).toEqual({ count: expectedOrder(written, keep).length, exact: true });
    // Not whole hours: counted on the rows.
    const fromRows = await countRequests(db, { ...filters, since: new Date(RANGE.since.getTime() + 1) });
    expect(fromRows).toEqual(fromRollups);
    expect(await countRequests(db, { ...RANGE, status: 529 })).toEqual({ count: 8, exact: true });
    expect(await countRequests(db, RANGE, 10)).toEqual({ count: 40, exact: true });
    expect(await countRequests(db, { ...RANGE, conversationId: 'conv_1' }, 3)).toEqual({ count: 3, exact: false });
  });

  it('pages conversations by their latest request, each once, though their models end at different times', async () => {
    const seen: string[] = [];
    let before: SessionCursor | undefined;
    for (let guard = 0; guard < 20; guard += 1) {
      const page = await listSessions(db, { ...RANGE, limit: 2, before });
      seen.push(...page.sessions.map((session) => session.conversationId));
      before = page.sessions.at(-1)?.cursor;
      if (!page.more || before === undefined) break;
    }
    // conv_k holds requests k, k + 6, …: its latest is 36 + k (k < 4, microseconds apart) or 30 + k (one minute
    // earlier, a tie broken by id). Its other model's rows end earlier: conv_3's opus row (request 33) comes
    // right after conv_4's latest, and must not bring conv_3 back on the last page.
    expect(seen).toEqual(['conv_3', 'conv_2', 'conv_1', 'conv_0', 'conv_5', 'conv_4']);
    const first = await listSessions(db, { ...RANGE, limit: 10 });
    expect(first.more).toBe(false);
    const conv0 = first.sessions.find((session) => session.conversationId === 'conv_0');
    // Whole-conversation sums, all models: requests 0, 6, 12, … 36.
    expect(conv0).toMatchObject({ requests: 7, inputTokens: 70, costUsd: '0.000070000000', models: ['claude-haiku-4-5', 'claude-opus-5-5'] });
    expect((await listSessions(db, { ...RANGE, account: 'ci', limit: 10 })).sessions.map((s) => s.conversationId)).toEqual(['conv_3', 'conv_0']);
  });
});
