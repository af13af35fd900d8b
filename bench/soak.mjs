/**
 * Soak benchmark: `npm run bench:soak` (builds, then runs this file). Prints figures, asserts
 * nothing. One recording proxy (bench/nexus-child.mjs --record; PostgreSQL when reachable, else
 * PGlite) under mixed traffic for N minutes (bench/lib/soak-traffic.mjs: non-streaming, streaming,
 * streams aborted by the client mid-way, slow readers). Every 10 s it samples the proxy's RSS, heap,
 * open file descriptors and active handles; at the end it prints the samples, start vs end, "flat"
 * verdicts by a stated rule (never an exit code), the requests sent / completed / aborted / failed,
 * and whether the rows in `requests` equal the requests sent (aborted ones are recorded as aborted).
 * Children, temp folders and the throwaway database are removed on every way out.
 *
 * Flags: --minutes N (default 10), --quick (1 minute; also BENCH_QUICK=1), --rate R, --pglite, --help.
 */
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { runBench, startChild } from './lib/children.mjs';
import { MB, UPSTREAM_API_KEY } from './lib/constants.mjs';
import { percentile } from './lib/load.mjs';
import { machineBusyUs, openFds } from './lib/proc-stats.mjs';
import { auditOf, makeTempRoot, waitForWritten } from './lib/recording.mjs';
import { FLAT_RULE, flatness, printSoakReport } from './lib/soak-report.mjs';
import { createSoakTraffic } from './lib/soak-traffic.mjs';

const USAGE = `Usage: node bench/soak.mjs [--minutes N] [--quick] [--rate R] [--pglite]
  --minutes N   minutes of load (default 10; at most 240)
  --quick       1 minute of load (also BENCH_QUICK=1)
  --rate R      requests started per second, open loop (default 200), plus the slow clients
  --pglite      record into PGlite even when PostgreSQL is reachable
Environment: BENCH_PG_URL (admin URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres),
  STORE_BODIES (on|off, passed to the proxy; default on, as in production).`;

const SAMPLE_SECONDS = 10;
const DRAIN_TIMEOUT_MS = 120_000;
const SETTLE_MS = 1000;

function parseOptions() {
  const { values } = parseArgs({
    options: { minutes: { type: 'string' }, quick: { type: 'boolean' }, rate: { type: 'string' }, pglite: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const quick = values.quick === true || process.env.BENCH_QUICK === '1';
  const number = (name, raw, fallback, max) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`--${name} must be a number in (0, ${max}], got "${raw}"`);
    return n;
  };
  return {
    help: values.help === true,
    minutes: number('minutes', values.minutes, quick ? 1 : 10, 240),
    rate: number('rate', values.rate, 200, 5000),
    pglite: values.pglite === true,
  };
}

function makePlan(options) {
  return {
    rate: options.rate,
    maxInFlight: 256,
    stream: { events: 20, delayMs: 10 },
    abortEvery: 5,
    slow: { clients: 3, bytes: 2 * MB, bytesPerSecond: 256 * 1024 },
    sampleSeconds: SAMPLE_SECONDS,
  };
}

const progress = (line) => process.stderr.write(`  … ${line}\n`);

/** PostgreSQL (a throwaway database) unless told otherwise or unreachable; then PGlite under DATA_DIR. */
async function chooseDatabase(options, notes) {
  if (options.pglite) return { env: { DATABASE_URL: undefined }, label: 'PGlite (--pglite), in the proxy process, temp DATA_DIR' };
  const pg = await createBenchDatabase();
  if (pg.error === undefined) return { env: { DATABASE_URL: pg.url }, label: `PostgreSQL, throwaway database ${pg.where} (dropped at the end)` };
  notes.push(`PostgreSQL not reachable, recording into PGlite instead: ${pg.error}`);
  return { env: { DATABASE_URL: undefined }, label: 'PGlite (PostgreSQL not reachable), in the proxy process, temp DATA_DIR' };
}

/** Cumulative CPU readings: the proxy's (IPC) and the whole machine's (/proc/stat), in µs. */
async function cpuMark(proxy) {
  return { proxy: await proxy.cpuUs(), machine: machineBusyUs(), at: performance.now() };
}

/** CPU seconds per wall second between two marks: the proxy's and the whole machine's. */
function coresBetween(a, b) {
  const wallUs = (b.at - a.at) * 1000;
  return { proxyCores: (b.proxy - a.proxy) / wallUs, machineCores: a.machine === null || b.machine === null ? null : (b.machine - a.machine) / wallUs };
}

/**
 * One reading of the proxy: vitals over IPC, fds from /proc, its recorder's counters, the client's
 * view; with `interval` (`{ done, seconds, cpu }`) also the rates over the last interval.
 */
async function sample(proxy, traffic, phase, t, interval) {
  const reading = { phase, t, rss: null, heapUsed: null, heapTotal: null, external: null, resources: null, fds: openFds(proxy.pid), written: null, backlog: null };
  try {
    const v = await proxy.ask('vitals');
    Object.assign(reading, { rss: v.rss, heapUsed: v.heapUsed, heapTotal: v.heapTotal, external: v.external, resources: v.resources });
    const ledger = await proxy.ask('ledger');
    Object.assign(reading, { written: ledger.written, backlog: ledger.backlog });
  } catch (error) {
    progress(`sample at ${t} s incomplete: ${error instanceof Error ? error.message : String(error)}`);
  }
  const latencies = traffic.takeLatencies();
  return {
    ...reading,
    inFlight: phase === 'load' ? traffic.inFlight() : null,
    plainP99: percentile(latencies, 0.99),
    doneRate: interval === null ? null : interval.done / interval.seconds,
    proxyCores: interval?.cpu.proxyCores ?? null,
    machineCores: interval?.cpu.machineCores ?? null,
  };
}

const finished = (traffic) => Object.values(traffic.counters).reduce((sum, c) => sum + c.completed + c.aborted, 0);
const sentSoFar = (traffic) => Object.values(traffic.counters).reduce((sum, c) => sum + c.sent, 0);

/** The load phase: starts the traffic and samples every SAMPLE_SECONDS until `seconds` have passed. */
async function soak(proxy, traffic, seconds, samples) {
  const t0 = performance.now();
  let last = { done: 0, mark: await cpuMark(proxy) };
  traffic.start();
  for (let k = 1; k * SAMPLE_SECONDS <= seconds; k += 1) {
    await sleep(Math.max(0, t0 + k * SAMPLE_SECONDS * 1000 - performance.now()));
    const mark = await cpuMark(proxy).catch(() => null);
    const done = finished(traffic);
    const cpu = mark === null ? { proxyCores: null, machineCores: null } : coresBetween(last.mark, mark);
    const interval = { done: done - last.done, seconds: ((mark?.at ?? performance.now()) - last.mark.at) / 1000, cpu };
    samples.push(await sample(proxy, traffic, 'load', (performance.now() - t0) / 1000, interval));
    if (mark !== null) last = { done, mark };
    if (k % 6 === 0) progress(`${k * SAMPLE_SECONDS} s of ${seconds} s: ${sentSoFar(traffic).toLocaleString('en-US')} requests sent`);
  }
  await sleep(Math.max(0, t0 + seconds * 1000 - performance.now()));
}

async function run(options) {
  const started = performance.now();
  const plan = makePlan(options);
  const notes = [];
  const temp = makeTempRoot('nexus-bench-soak-');
  const database = await chooseDatabase(options, notes);
  progress(`starting the upstream and the recording proxy (${database.label})`);
  const upstream = await startChild('upstream', 'upstream.mjs');
  const env = { ...database.env, DATA_DIR: temp.dir('data'), STORE_BODIES: process.env.STORE_BODIES };
  const proxy = await startChild('nexus', 'nexus-child.mjs', [upstream.url, temp.credentials, '--record'], { env });
  const storeBodies = (await proxy.ask('ledger')).storeBodies;
  const traffic = createSoakTraffic({ url: proxy.url, headers: { 'x-api-key': UPSTREAM_API_KEY } }, plan);
  const samples = [await sample(proxy, traffic, 'before', 0, null)];
  const seconds = options.minutes * 60;
  progress(`soaking for ${options.minutes} minute(s) at ${plan.rate} req/s`);
  const cpuBefore = await proxy.cpuUs();
  await soak(proxy, traffic, seconds, samples);
  progress('load over: waiting for the requests in flight and the recorder');
  await traffic.stop();
  const sent = sentSoFar(traffic);
  const drain = await waitForWritten(proxy, sent, DRAIN_TIMEOUT_MS);
  const cpuUsPerRequest = (await proxy.cpuUs() - cpuBefore) / Math.max(1, sent);
  await sleep(SETTLE_MS);
  samples.push(await sample(proxy, traffic, 'after', null, null));
  progress('auditing the ledger');
  const audit = await auditOf(proxy);
  const cpu = cpus();
  printSoakReport({
    meta: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: availableParallelism(),
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      minutes: options.minutes,
      seconds: (performance.now() - started) / 1000,
      database: database.label,
      storeBodies,
      plan,
    },
    notes,
    samples,
    verdicts: {
      rss: flatness(samples, 'rss', FLAT_RULE.slackBytes, seconds),
      heapUsed: flatness(samples, 'heapUsed', FLAT_RULE.slackBytes, seconds),
      fds: flatness(samples, 'fds', FLAT_RULE.slackFds, seconds),
    },
    traffic: { counters: traffic.counters, errorKinds: traffic.errorKinds, skipped: traffic.skipped() },
    audit,
    drain,
    cpuUsPerRequest,
  });
}

runBench({ parseOptions: parseOptions, usage: USAGE, run });
