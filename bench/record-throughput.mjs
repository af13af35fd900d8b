/**
 * Usage-ledger benchmark: `npm run bench:ledger` (builds, then runs this file). Prints figures,
 * asserts nothing. Three parts in one run:
 *   1. proxy overhead with usage recording off / on against PostgreSQL / on against PGlite, each
 *      proxy a child process wired as production (bench/nexus-child.mjs [--record]); after each
 *      recording row, the rows in `requests` are counted against the requests sent;
 *   2. sustained records/s of writeUsageBatch (batches of 500) into PostgreSQL and PGlite;
 *   3. report-query latency over a large generated ledger in PostgreSQL and PGlite.
 * PostgreSQL: a throwaway database nexus_bench_<random> on 127.0.0.1:5432 (BENCH_PG_URL overrides
 * the admin URL), dropped at the end. Temp folders and children are removed on every way out.
 *
 * Flags: --quick (or BENCH_QUICK=1), --records N (part 3, PostgreSQL), --pglite-records N,
 * --seconds S (part 2 per row), --help.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { openDatabase } from '../dist/storage/index.js';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { bulkLoad, checkRollups } from './lib/bulk-records.mjs';
import { onAsyncCleanup, runBench, startChild, stopChild } from './lib/children.mjs';
import { UPSTREAM_API_KEY } from './lib/constants.mjs';
import { ledgerChecks, printLedgerReport, recordingOverhead } from './lib/ledger-report.mjs';
import { proxyWithRecording, sustainedWrites, timeQueries } from './lib/ledger-scenarios.mjs';
import { makeTempRoot } from './lib/recording.mjs';
import { messagesRequest, openPool, timedRequest } from './lib/load.mjs';

const USAGE = `Usage: node bench/record-throughput.mjs [--quick] [--records N] [--pglite-records N] [--seconds S]
  --quick             short run (also BENCH_QUICK=1)
  --records N         rows generated for the PostgreSQL report queries (default 1000000; quick 200000)
  --pglite-records N  rows generated for the PGlite report queries (default 250000; quick 50000)
  --seconds S         length of each sustained-write row (default 10; quick 3)
Environment: BENCH_PG_URL (admin URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres),
  STORE_BODIES (on|off, passed to the recording proxies; default on, as in production).`;

const LABELS = Object.freeze({ off: 'off', 'on-postgres': 'on, PostgreSQL', 'on-pglite': 'on, PGlite' });

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      records: { type: 'string' },
      'pglite-records': { type: 'string' },
      seconds: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const quick = values.quick === true || process.env.BENCH_QUICK === '1';
  const positive = (name, raw, fallback) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  return {
    quick,
    help: values.help === true,
    records: Math.round(positive('records', values.records, quick ? 200_000 : 1_000_000)),
    pgliteRecords: Math.round(positive('pglite-records', values['pglite-records'], quick ? 50_000 : 250_000)),
    seconds: positive('seconds', values.seconds, quick ? 3 : 10),
  };
}

/** How long and how hard each part runs; every loop bounded by count and time. */
function makePlan(options) {
  const phase = (maxMs, maxCount) => ({ maxMs: options.quick ? Math.min(maxMs, 1500) : maxMs, maxCount });
  return {
    modes: [
      { key: 'plain', stream: undefined },
      { key: 'stream', stream: { events: 20, delayMs: 0 } },
    ],
    concurrencies: [1, 32],
    warmup: phase(1000, 5000),
    measure: phase(4000, 100_000),
    writes: { maxMs: options.seconds * 1000, maxRecords: 2_000_000, concurrentWriters: 5 },
    bulk: { records: options.records, pgliteRecords: options.pgliteRecords, maxMs: 240_000 },
    queryRuns: 5,
  };
}

const progress = (line) => process.stderr.write(`  … ${line}\n`);

/** The nexus children of part 1: recording off, on against PostgreSQL (when reachable), on against PGlite. */
async function startProxies(upstream, temp, pg) {
  const args = [upstream.url, temp.credentials];
  const storeBodies = process.env.STORE_BODIES;
  const specs = [
    { key: 'off', args, env: {} },
    ...(pg === null ? [] : [{ key: 'on-postgres', args: [...args, '--record'], env: { DATABASE_URL: pg.url, DATA_DIR: temp.dir('data-postgres'), STORE_BODIES: storeBodies } }]),
    { key: 'on-pglite', args: [...args, '--record'], env: { DATABASE_URL: undefined, DATA_DIR: temp.dir('data-pglite'), STORE_BODIES: storeBodies } },
  ];
  const children = await Promise.all(specs.map((s) => startChild(`nexus ${LABELS[s.key]}`, 'nexus-child.mjs', s.args, { env: s.env })));
  return specs.map((spec, i) => {
    const child = children[i];
    child.recording = spec.key !== 'off';
    const passthrough = { 'x-api-key': UPSTREAM_API_KEY };
    return { key: spec.key, label: LABELS[spec.key], url: child.url, headers: passthrough, child, sent: 0 };
  });
}

/** One request per target before measuring: a wiring mistake stops the bench instead of skewing it. */
async function checkWiring(targets) {
  for (const target of targets) {
    const pool = openPool(target, 1);
    try {
      const r = await timedRequest(pool, messagesRequest(target));
      target.sent += 1;
      if (!r.ok) throw new Error(`${target.label}: POST /v1/messages did not answer 200; check the bench wiring`);
    } finally {
      await pool.close();
    }
  }
}

async function partOne(temp, pg, plan) {
  progress('1) starting the upstream and the nexus children (recording off / on)');
  const upstream = await startChild('upstream', 'upstream.mjs');
  const targets = await startProxies(upstream, temp, pg);
  try {
    await checkWiring(targets);
    const storeBodies = (await targets.find((t) => t.child.recording)?.child.ask('ledger'))?.storeBodies ?? null;
    const proxy = await proxyWithRecording(targets, plan, progress);
    return { proxy, storeBodies, recordingTargets: targets.filter((t) => t.child.recording).map((t) => t.key) };
  } finally {
    await Promise.all([upstream, ...targets.map((t) => t.child)].map((child) => stopChild(child)));
  }
}

const EMPTY_LEDGER = 'TRUNCATE requests, usage_hourly, usage_daily, rate_limit_snapshots, request_bodies';

/** Opens a database in this process for parts 2 and 3; closed by the caller. */
function openBenchDatabase(kind, pg, temp, name) {
  return kind === 'postgres' ? openDatabase({ databaseUrl: pg.url, dataDir: temp.dir('unused') }) : openDatabase({ databaseUrl: undefined, dataDir: temp.dir(name) });
}

/** Runs `work` with a database opened here; closed after it, or by shutDown() if interrupted first. */
async function withDatabase(kind, pg, temp, name, work) {
  const db = await openBenchDatabase(kind, pg, temp, name);
  let closing = null;
  const close = () => (closing ??= db.close());
  const unregister = onAsyncCleanup(close);
  try {
    return await work(db);
  } finally {
    await close();
    unregister();
  }
}

async function partTwo(temp, pg, plan) {
  const writes = [];
  const { maxMs, maxRecords, concurrentWriters } = plan.writes;
  if (pg !== null) {
    await withDatabase('postgres', pg, temp, null, async (db) => {
      await db.exec(EMPTY_LEDGER);
      progress('2) sustained writes: PostgreSQL, 1 writer');
      writes.push({ label: 'PostgreSQL', ...(await sustainedWrites(db, { tag: 'pg1', writers: 1, maxMs, maxRecords })) });
      progress(`2) sustained writes: PostgreSQL, ${concurrentWriters} writers`);
      writes.push({ label: 'PostgreSQL', ...(await sustainedWrites(db, { tag: 'pgn', writers: concurrentWriters, maxMs, maxRecords })) });
    });
  }
  await withDatabase('pglite', pg, temp, 'pglite-writes', async (db) => {
    progress('2) sustained writes: PGlite, 1 writer');
    writes.push({ label: 'PGlite', ...(await sustainedWrites(db, { tag: 'pgl', writers: 1, maxMs, maxRecords })) });
  });
  return writes;
}

async function loadAndQuery(db, label, records, plan, analyze) {
  progress(`3) generating ${records.toLocaleString('en-US')} rows in ${label}`);
  const load = await bulkLoad(db, { count: records, maxMs: plan.bulk.maxMs, progress: (line) => progress(`3) ${label}: ${line}`) });
  const { same } = await checkRollups(db);
  if (analyze) await db.exec('VACUUM ANALYZE');
  progress(`3) timing report queries in ${label}`);
  return { label, load, rollupsMatch: same, analyzed: analyze, results: await timeQueries(db, plan.queryRuns) };
}

async function partThree(temp, pg, plan) {
  const queries = [];
  if (pg !== null) {
    await withDatabase('postgres', pg, temp, null, async (db) => {
      await db.exec(EMPTY_LEDGER);
      queries.push(await loadAndQuery(db, 'PostgreSQL', plan.bulk.records, plan, true));
      await db.exec(EMPTY_LEDGER);
    });
  }
  await withDatabase('pglite', pg, temp, 'pglite-queries', async (db) => {
    queries.push(await loadAndQuery(db, 'PGlite', plan.bulk.pgliteRecords, plan, false));
  });
  return queries;
}

async function run(options) {
  const started = performance.now();
  const plan = makePlan(options);
  // One temp root for everything on disk (credentials, spools, PGlite folders), removed at exit.
  const temp = makeTempRoot('nexus-bench-ledger-');
  const notes = [];
  progress('creating the bench database on the local PostgreSQL');
  const created = await createBenchDatabase();
  const pg = created.error === undefined ? created : null;
  if (pg === null) notes.push(`PostgreSQL rows skipped: ${created.error}`);
  const one = await partOne(temp, pg, plan);
  const writes = await partTwo(temp, pg, plan);
  const queries = await partThree(temp, pg, plan);
  if (pg !== null) await pg.drop();
  const cpu = cpus();
  const results = {
    meta: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      quick: options.quick,
      seconds: (performance.now() - started) / 1000,
      postgres: pg === null ? 'not reachable, skipped' : `local server, throwaway database ${pg.where} (dropped at the end)`,
      storeBodies: one.storeBodies,
      plan,
    },
    notes,
    proxy: one.proxy,
    overhead: recordingOverhead(one.proxy),
    recordingTargets: one.recordingTargets,
    writes,
    queries,
  };
  results.checks = ledgerChecks(results, LABELS);
  printLedgerReport(results, LABELS);
}

runBench({ parseOptions: parseOptions, usage: USAGE, run });
