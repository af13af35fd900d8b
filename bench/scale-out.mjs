/**
 * Scale-out benchmark: `npm run bench:scale-out` (builds, then runs this file). Prints figures,
 * asserts nothing. One and two recording proxy instances (bench/nexus-child.mjs --record, each with
 * its own DATA_DIR and spool) write to ONE throwaway PostgreSQL database; the load (concurrency 32
 * in total) goes round-robin over the instances, non-streaming and streaming. Per row: req/s,
 * p50/p99, the proxies' CPU per request, where the machine's cores went, and whether every request
 * became exactly one row (per instance and over the whole ledger, distinct ids, roll-ups = raw sums).
 * PostgreSQL: nexus_bench_<random> on 127.0.0.1:5432 (BENCH_PG_URL overrides the admin URL), dropped
 * at the end; children, temp folders and the database are removed on every way out.
 *
 * Flags: --quick (or BENCH_QUICK=1), --seconds S (measured phase per row), --help.
 */
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { runBench, startChild } from './lib/children.mjs';
import { UPSTREAM_API_KEY } from './lib/constants.mjs';
import { makeTempRoot } from './lib/recording.mjs';
import { printScaleOutReport } from './lib/scale-out-report.mjs';
import { runConfiguration } from './lib/scale-out-run.mjs';

const USAGE = `Usage: node bench/scale-out.mjs [--quick] [--seconds S]
  --quick       short run (also BENCH_QUICK=1): 1 s warm-up, 3 s measured per row
  --seconds S   measured phase per row (default 10; warm-up 2 s)
Needs a PostgreSQL server (two instances cannot share a PGlite folder).
Environment: BENCH_PG_URL (admin URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres),
  STORE_BODIES (on|off, passed to the proxies; default on, as in production).`;

const MAX_INSTANCES = 2;

function parseOptions() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, seconds: { type: 'string' }, help: { type: 'boolean' } } });
  const quick = values.quick === true || process.env.BENCH_QUICK === '1';
  let seconds = quick ? 3 : 10;
  if (values.seconds !== undefined) {
    seconds = Number(values.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error(`--seconds must be a number in (0, 600], got "${values.seconds}"`);
  }
  return { quick, seconds, help: values.help === true };
}

function makePlan({ quick, seconds }) {
  return {
    modes: [
      { key: 'plain', stream: undefined },
      { key: 'stream', stream: { events: 20, delayMs: 0 } },
    ],
    instanceCounts: [1, MAX_INSTANCES],
    concurrency: 32,
    warmup: { maxMs: quick ? 1000 : 2000, maxCount: 50_000 },
    measure: { maxMs: seconds * 1000, maxCount: 1_000_000 },
  };
}

const progress = (line) => process.stderr.write(`  … ${line}\n`);

/** The upstream and MAX_INSTANCES recording proxies, all on the database at `pg.url`. */
async function startServers(pg, temp) {
  const upstream = await startChild('upstream', 'upstream.mjs');
  const specs = Array.from({ length: MAX_INSTANCES }, (_, i) => ({
    name: `nexus instance ${i + 1}`,
    env: { DATABASE_URL: pg.url, DATA_DIR: temp.dir(`data-${i + 1}`), STORE_BODIES: process.env.STORE_BODIES },
  }));
  // One after the other: the first migrates the empty database, the next finds nothing to do.
  const instances = [];
  for (const spec of specs) {
    const child = await startChild(spec.name, 'nexus-child.mjs', [upstream.url, temp.credentials, '--record'], { env: spec.env });
    instances.push({ name: spec.name, url: child.url, headers: { 'x-api-key': UPSTREAM_API_KEY }, child, sent: 0 });
  }
  return { upstream, instances };
}

async function run(options) {
  const started = performance.now();
  const plan = makePlan(options);
  const temp = makeTempRoot('nexus-bench-scale-out-');
  progress('creating the bench database on the local PostgreSQL');
  const pg = await createBenchDatabase();
  if (pg.error !== undefined) throw new Error(`${pg.error}\nThe scale-out bench needs PostgreSQL: set BENCH_PG_URL or start a server.`);
  progress(`starting the upstream and ${MAX_INSTANCES} recording proxies on ${pg.where}`);
  const { upstream, instances } = await startServers(pg, temp);
  const storeBodies = (await instances[0].child.ask('ledger')).storeBodies;
  const rows = [];
  for (const mode of plan.modes) {
    for (const n of plan.instanceCounts) {
      const run = `${mode.key}-x${n}`;
      progress(`${mode.stream === undefined ? 'non-streaming' : 'streaming'}, ${n} instance(s)`);
      const targets = { used: instances.slice(0, n), all: instances };
      rows.push(await runConfiguration({ run, targets, upstream, mode, concurrency: plan.concurrency, warmup: plan.warmup, measure: plan.measure }));
    }
  }
  const cpu = cpus();
  printScaleOutReport({
    meta: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: availableParallelism(),
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      quick: options.quick,
      seconds: (performance.now() - started) / 1000,
      postgres: `local server, throwaway database ${pg.where} (dropped at the end); STORE_BODIES ${storeBodies ? 'on' : 'off'}`,
      plan,
    },
    rows,
  });
}

runBench({ parseOptions: parseOptions, usage: USAGE, run });
