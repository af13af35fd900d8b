/**
 * Dashboard benchmark: `npm run bench:dashboard` (builds, then runs this file). Prints figures,
 * asserts nothing. Generates a large ledger (default 1,000,000 requests over 30 days, with the
 * report bench's generator) in a throwaway PostgreSQL database, serves the real dashboard app from
 * dist/ on a local port, and times its pages and their data endpoints: the median of 5 requests
 * after one warm-up, measured at the client over loopback (so: server time plus a little HTTP).
 * Target: under 300 ms each (the CSV export is a download, timed for information). Treat the figures
 * as relative: they depend on the machine.
 *
 * Twice: first with the rows as generated (in random time order, so a time range is scattered over
 * the whole table: the worst case for the raw-row queries), then after CLUSTER on started_at (rows
 * in time order, as an append-only ledger lays them out).
 *
 * Flags: --records N (default 1000000), --runs N (default 5), --quick (200,000 records),
 * --no-cluster (skip the second pass), --help.
 * BENCH_PG_URL overrides the admin connection (default postgres:postgres@127.0.0.1:5432/postgres).
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { request } from 'undici';
import { createDashboardApp } from '../dist/dashboard/index.js';
import { openDatabase, rebuildRollups } from '../dist/storage/index.js';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { assignPeople, bulkLoad, checkRollups } from './lib/bulk-records.mjs';
import { onAsyncCleanup, onCleanup, runBench } from './lib/children.mjs';

const USAGE = `Usage: node bench/dashboard-speed.mjs [--records N] [--runs N] [--quick] [--no-cluster]
  --records N   requests generated (default 1000000; --quick 200000)
  --runs N      timed requests per endpoint, after one warm-up (default 5)
  --no-cluster  skip the second pass (rows in time order)
Environment: BENCH_PG_URL (admin URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres).`;

const TARGET_MS = 300;
const KEY = 'cnd_bench_dashboard_key_0123456789';

/** What a person opening the dashboard waits for: each page, then the JSON its scripts fetch. */
const ENDPOINTS = [
  ['overview page, 24 h', '/?range=24h'],
  ['  its chart data', '/api/dashboard/overview?range=24h&bucket=hour&by=model&tz=UTC'],
  ['  its top sessions', '/overview/top-sessions?range=24h'],
  ['overview page, 7 d', '/?range=7d'],
  ['  its chart data', '/api/dashboard/overview?range=7d&bucket=day&by=model&tz=UTC'],
  ['  its top sessions', '/overview/top-sessions?range=7d'],
  ['overview page, 30 d', '/?range=30d'],
  ['  its chart data', '/api/dashboard/overview?range=30d&bucket=day&by=model&tz=UTC'],
  ['  chart data, hourly, by account', '/api/dashboard/overview?range=30d&bucket=hour&by=account&tz=Europe/Berlin'],
  ['  chart data, half-hour zone', '/api/dashboard/overview?range=30d&bucket=day&by=model&tz=Asia/Kolkata'],
  ['  its top sessions', '/overview/top-sessions?range=30d'],
  ['accounts page, 7 d', '/accounts?range=7d'],
  ['  utilization history, 7 d', '/api/dashboard/utilization?range=7d&tz=UTC'],
  ['  utilization history, 30 d', '/api/dashboard/utilization?range=30d&tz=UTC'],
  ['latest requests', '/api/dashboard/latest'],
  ['requests page, 30 d, first page', '/requests?range=30d'],
  ['requests page, 7 d, filtered (account + errors)', '/requests?range=7d&account=acct_org_0b6ad5a4_bob&status=errors'],
  ['requests page, 30 d, filtered (model + status 529)', '/requests?range=30d&model=claude-haiku-4-5&status=529'],
  ['  its JSON', '/api/dashboard/requests?range=30d&model=claude-haiku-4-5&status=529'],
  ['conversations page, 30 d', '/conversations?range=30d'],
  ['conversations page, 7 d, one account', '/conversations?range=7d&account=acct_org_0b6ad5a4_alice'],
  ['people page, 30 d', '/people?range=30d'],
  ["a member's page, 30 d", '/people/mem_b7?range=30d'],
  ['projects page, 30 d', '/projects?range=30d'],
  ["a project's page, 30 d (branches from raw rows)", '/projects/project-3?range=30d'],
  ['  chart data, 30 d, by member', '/api/dashboard/overview?range=30d&bucket=day&by=member&tz=UTC'],
  ['  chart data, 30 d, by team', '/api/dashboard/overview?range=30d&bucket=day&by=team&tz=UTC'],
  ['requests page, 7 d, one member', '/requests?range=7d&member=person7%40bench.example'],
  ['requests page, 30 d, one project + errors', '/requests?range=30d&project=project-3&status=errors'],
  ['conversations page, 30 d, one team', '/conversations?range=30d&team=team-2'],
];

/**
 * Pages that need ids from the generated ledger: deep keyset pages (a cursor half-way down, as if
 * someone had clicked "older" 10,000 times), a busy conversation and one request.
 */
async function ledgerEndpoints(db) {
  const at = (offset) =>
    db.query(
      `SELECT id, (extract(epoch FROM started_at) * 1000000)::bigint::text AS micros FROM requests
       ORDER BY started_at DESC, id DESC OFFSET $1 LIMIT 1`,
      [offset],
    );
  const [middle] = await at(500_000);
  const [session] = await db.query(
    `SELECT conversation_id, (extract(epoch FROM last_at) * 1000000)::bigint::text AS micros FROM usage_sessions
     ORDER BY last_at DESC, conversation_id DESC OFFSET 200000 LIMIT 1`,
  );
  const [busy] = await db.query('SELECT conversation_id FROM usage_sessions WHERE session_id IS NOT NULL ORDER BY requests DESC LIMIT 1');
  const endpoints = [];
  if (middle !== undefined) {
    const cursor = encodeURIComponent(`${middle.micros}.${middle.id}`);
    endpoints.push(['requests page, 30 d, 500,000 rows deep (older)', `/requests?range=30d&before=${cursor}`]);
    endpoints.push(['requests page, 30 d, 500,000 rows deep (newer)', `/requests?range=30d&after=${cursor}`]);
    endpoints.push(['request detail', `/requests/${encodeURIComponent(middle.id)}`]);
  }
  if (session !== undefined) endpoints.push(['conversations page, 30 d, 200,000 rows deep', `/conversations?range=30d&before=${encodeURIComponent(`${session.micros}.${session.conversation_id}`)}`]);
  if (busy !== undefined) endpoints.push(['conversation detail (its busiest session)', `/conversations/${encodeURIComponent(busy.conversation_id)}`]);
  // Not a page: a download, streamed in keyset batches of 500 (~33,000 rows a day here). Timed to the last byte.
  endpoints.push(['export, requests of the last 24 h, CSV (download)', '/export/requests.csv?range=24h']);
  return endpoints;
}

function parseOptions() {
  const { values } = parseArgs({
    options: { records: { type: 'string' }, runs: { type: 'string' }, quick: { type: 'boolean' }, 'no-cluster': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const positive = (name, raw, fallback) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  return {
    help: values.help === true,
    records: positive('records', values.records, values.quick === true ? 200_000 : 1_000_000),
    runs: positive('runs', values.runs, 5),
    cluster: values['no-cluster'] !== true,
  };
}

const progress = (text) => process.stderr.write(`  ${text}\n`);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function timeEndpoint(base, path, runs) {
  const once = async () => {
    const t0 = performance.now();
    const response = await request(`${base}${path}`, { headers: { 'x-api-key': KEY } });
    const body = Buffer.from(await response.body.arrayBuffer());
    if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}: ${body.toString('utf8').slice(0, 200)}`);
    return { ms: performance.now() - t0, bytes: body.byteLength };
  };
  await once();
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i += 1) {
    const result = await once();
    times.push(result.ms);
    bytes = result.bytes;
  }
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), bytes };
}

async function run(options) {
  const pg = await createBenchDatabase();
  if ('error' in pg) {
    process.stderr.write(`bench: ${pg.error}\n`);
    process.exitCode = 2;
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-bench-dashboard-'));
  onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
  const db = await openDatabase({ databaseUrl: pg.url, dataDir });
  let closing = null;
  const closeDb = () => (closing ??= db.close());
  onAsyncCleanup(closeDb);

  progress(`generating ${options.records.toLocaleString('en-US')} requests in ${pg.where}`);
  const load = await bulkLoad(db, { count: options.records, progress });
  progress('assigning members and projects to the sessions, rebuilding the roll-ups');
  await assignPeople(db);
  await rebuildRollups(db, null);
  const check = await checkRollups(db);
  progress(`loaded in ${(load.insertMs / 1000).toFixed(1)} s, roll-ups in ${(load.rollupMs / 1000).toFixed(1)} s; roll-ups match raw rows: ${check.same ? 'yes' : 'NO'}`);
  await db.query('ANALYZE');

  const app = createDashboardApp({ apiKey: KEY, database: () => Promise.resolve(db) });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  onAsyncCleanup(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${server.address().port}`;

  const endpoints = [...ENDPOINTS, ...(await ledgerEndpoints(db))];
  const passes = [['rows as generated, in random time order (worst case for the raw-row queries)', async () => undefined]];
  if (options.cluster) {
    passes.push([
      'rows in time order (CLUSTER on started_at: as an append-only ledger lays them out)',
      async () => {
        progress('clustering requests on started_at');
        await db.query('CLUSTER requests USING requests_started_at_id_idx');
        await db.query('VACUUM ANALYZE requests');
      },
    ]);
  }
  for (const [title, prepare] of passes) {
    await prepare();
    const rows = [];
    for (const [label, path] of endpoints) {
      rows.push({ label, path, ...(await timeEndpoint(base, path, options.runs)) });
    }
    printTable(`Dashboard over ${load.rows.toLocaleString('en-US')} requests in PostgreSQL, ${title}`, rows, options.runs);
  }
}

function printTable(title, rows, runs) {
  process.stdout.write(`\n${title}\n(median of ${runs} after a warm-up; treat as relative)\n\n`);
  const width = Math.max(...rows.map((r) => r.label.length));
  process.stdout.write(`${'endpoint'.padEnd(width)}  median ms    min    max      KB  target < ${TARGET_MS} ms\n`);
  for (const row of rows) {
    process.stdout.write(
      `${row.label.padEnd(width)}  ${row.median.toFixed(1).padStart(9)} ${row.min.toFixed(1).padStart(6)} ${row.max.toFixed(1).padStart(6)} ${(row.bytes / 1024).toFixed(1).padStart(7)}  ${row.median < TARGET_MS ? 'ok' : 'over'}\n`,
    );
  }
  process.stdout.write(`(${rows.filter((r) => r.median >= TARGET_MS).length} of ${rows.length} over the target)\n`);
}

runBench({ parseOptions: parseOptions, usage: USAGE, run });
