/**
 * What a member key costs a request: `npm run bench:keys` (builds first). Prints figures, asserts
 * nothing; a busy 2-core machine, so treat them as relative.
 *
 * 1) In process: the people directory (createKeyDirectory) loaded from a PostgreSQL database holding
 *    KEYS keys (default 10,000) of 1,000 members; the time of one check() of a known member key, of
 *    an unknown key of member-key shape, and of another string, over many calls.
 * 2) Through the proxy: the bench upstream reached through nexus (bench/nexus-child.mjs
 *    --member-keys, no recording) with the managed domain's own key and with a member key, at
 *    concurrency 1 and 16: requests/s, p50 and p99, and what the member key added.
 *
 * Flags: --quick (or BENCH_QUICK=1), --help. PostgreSQL: BENCH_PG_URL (default the local test server).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { addMember, createKey, createKeyDirectory } from '../dist/people/index.js';
import { openDatabase } from '../dist/storage/index.js';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { onCleanup, runBench, startChild } from './lib/children.mjs';
import { CLIENT_API_KEY, MANAGED_HOST, UPSTREAM_API_KEY } from './lib/constants.mjs';
import { measureCell } from './lib/load.mjs';
import { count, ms, out, table } from './lib/table.mjs';

const USAGE = `Usage: node bench/member-keys.mjs [--quick]
  --quick   short run (also BENCH_QUICK=1)
  KEYS=N    keys in the database (default 10000)`;

const progress = (line) => process.stderr.write(`  … ${line}\n`);

function parseOptions() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, help: { type: 'boolean' } } });
  const keys = Number(process.env.KEYS ?? 10_000);
  if (!Number.isSafeInteger(keys) || keys < 1) throw new Error(`KEYS must be a positive whole number, got "${process.env.KEYS ?? ''}"`);
  return { quick: values.quick === true || process.env.BENCH_QUICK === '1', help: values.help === true, keys };
}

/** KEYS keys of 1,000 members in one statement each (random hashes), and one real key to present. */
async function fillKeys(db, keys) {
  await db.query(`INSERT INTO members (id, email) SELECT 'mem_b' || i, 'person' || i || '@bench.example' FROM generate_series(1, 1000) AS i`);
  await db.query(
    `INSERT INTO client_keys (id, domain, member_id, key_hash, prefix, last4)
     SELECT 'key_b' || i, $1, 'mem_b' || (1 + i % 1000), encode(sha256(('bench-' || i)::bytea), 'hex'), 'nxk_bench' || i, 'xxxx'
     FROM generate_series(1, $2::int - 1) AS i`,
    [MANAGED_HOST, keys],
  );
  await addMember(db, { email: 'ana@bench.example' });
  const { key } = await createKey(db, { domain: MANAGED_HOST, memberEmail: 'ana@bench.example' }, (text) => ({ domain: text }));
  return key;
}

/** Nanoseconds per call of `fn`, the best of 5 rounds of `n` calls (the least disturbed by the machine). */
function nsPerCall(fn, n) {
  let best = Infinity;
  for (let round = 0; round < 5; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1) fn(i);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / n);
  }
  return best;
}

async function inProcess(db, key, quick) {
  const logger = pino({ level: 'silent' });
  const directory = createKeyDirectory({ database: async () => db, logger, pollMs: 3_600_000, missRefreshMs: 3_600_000 });
  const loadStart = process.hrtime.bigint();
  await directory.refresh();
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
  const unknown = `nxk_${'Z'.repeat(40)}`;
  // One miss polls once (then at most every missRefreshMs): take it before timing.
  await directory.check(MANAGED_HOST, unknown);
  const n = quick ? 20_000 : 200_000;
  const rows = [
    ['known member key', nsPerCall(() => directory.check(MANAGED_HOST, key), n)],
    ['unknown key of member-key shape', nsPerCall(() => directory.check(MANAGED_HOST, unknown), n)],
    ['another string (a domain key)', nsPerCall(() => directory.check(MANAGED_HOST, CLIENT_API_KEY), n)],
  ];
  await directory.close();
  return { loadMs, rows };
}

function credentialsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-keys-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, `${MANAGED_HOST}.credentials.json`);
  writeFileSync(file, JSON.stringify({ type: 'api_key', api_key: UPSTREAM_API_KEY, client_api_key: CLIENT_API_KEY, accountId: 'bench' }), { mode: 0o600 });
  chmodSync(file, 0o600);
  return dir;
}

async function throughProxy(pgUrl, key, quick) {
  const upstream = await startChild('upstream', 'upstream.mjs');
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-bench-keys-data-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const nexus = await startChild('nexus', 'nexus-child.mjs', [upstream.url, credentialsDir(), '--member-keys'], { env: { DATABASE_URL: pgUrl, DATA_DIR: dataDir } });
  const phase = (maxMs, maxCount) => ({ maxMs: quick ? Math.min(maxMs, 1500) : maxMs, maxCount });
  const targets = [
    { key: 'domain', label: 'domain key', url: nexus.url, headers: { host: MANAGED_HOST, 'x-api-key': CLIENT_API_KEY } },
    { key: 'member', label: 'member key', url: nexus.url, headers: { host: MANAGED_HOST, 'x-api-key': key } },
  ];
  const results = [];
  for (const concurrency of [1, 16]) {
    // Interleaved, twice each, so a slow moment of the machine does not land on one target only.
    for (const round of [1, 2]) {
      for (const target of round === 1 ? targets : [...targets].reverse()) {
        progress(`${target.label}, concurrency ${concurrency}, round ${round}`);
        const cell = await measureCell(target, { concurrency, warmup: phase(1000, 5000), measure: phase(4000, 100_000) });
        results.push({ ...cell, label: target.label });
      }
    }
  }
  return results;
}

function best(results, label, concurrency) {
  const cells = results.filter((r) => r.label === label && r.concurrency === concurrency);
  return cells.reduce((a, b) => (b.rps > a.rps ? b : a));
}

async function run({ quick, keys }) {
  const pg = await createBenchDatabase();
  if (pg.error !== undefined) throw new Error(pg.error);
  const db = await openDatabase({ databaseUrl: pg.url, dataDir: tmpdir() });
  progress(`filling ${count(keys)} keys`);
  const key = await fillKeys(db, keys);

  out('Member keys: what checking one costs a request (treat as relative)');
  out();
  const local = await inProcess(db, key, quick);
  out(`1) In process: the key directory holding ${count(keys)} keys (loaded from PostgreSQL in ${ms(local.loadMs)} ms, then polled every 2 s)`);
  table(['presented', 'µs per check'], local.rows.map(([label, ns]) => [label, (ns / 1000).toFixed(2)]));
  out('   No database round trip: a check is a SHA-256 of the presented key and a map lookup.');
  out();

  const results = await throughProxy(pg.url, key, quick);
  out(`2) Through the proxy (no recording), POST /v1/messages non-streaming, best of two interleaved rounds each:`);
  table(
    ['client key', 'concurrency', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    [1, 16].flatMap((c) => ['domain key', 'member key'].map((label) => {
      const r = best(results, label, c);
      return [label, c, count(r.rps), ms(r.p50), ms(r.p99), r.errors];
    })),
    1,
  );
  out();
  out('   member key against domain key:');
  table(
    ['concurrency', 'throughput change', 'added p50 ms', 'added p99 ms', 'added µs/request (from req/s)'],
    [1, 16].map((c) => {
      const domain = best(results, 'domain key', c);
      const member = best(results, 'member key', c);
      const perRequestUs = 1e6 / member.rps - 1e6 / domain.rps;
      return [c, `${(((member.rps - domain.rps) / domain.rps) * 100).toFixed(1)}%`, ms(member.p50 - domain.p50), ms(member.p99 - domain.p99), perRequestUs.toFixed(1)];
    }),
    0,
  );
  out(`   target: ≤ 50 µs added per request with ${count(keys)} keys, and no database round trip on the request path.`);
  await db.close();
}

runBench({ parseOptions, usage: USAGE, run });
