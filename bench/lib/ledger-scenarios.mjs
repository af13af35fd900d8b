/**
 * The ledger bench's three parts. Each returns plain figures; printing is ledger-report.mjs's job.
 *   1. proxy load with recording off / on (PostgreSQL, PGlite), then: did every request become a row?
 *   2. sustained writeUsageBatch throughput (batches of 500), as the recorder writes them
 *   3. report query latency over a large generated ledger
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { usageByPeriod, usageTotals, writeUsageBatch } from '../../dist/storage/index.js';
import { messagesRequest, openPool, percentile, runPhase } from './load.mjs';
import { machineBusyUs, postgresCpuUs } from './proc-stats.mjs';
import { recordSource } from './records.mjs';

const DRAIN_POLL_MS = 10;
const DRAIN_TIMEOUT_MS = 60_000;
const BATCH = 500;

/**
 * Waits until the child's recorder reported `sent` records written (bounded by DRAIN_TIMEOUT_MS);
 * resolves `{ drained, drainMs, written }`, drainMs counted from `since`.
 */
async function waitForDrain(child, sent, since) {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const facts = await child.ask('ledger');
    if (facts.error !== undefined) throw new Error(`${child.name}: ${facts.error}`);
    if (facts.written >= sent) return { drained: true, drainMs: performance.now() - since, written: facts.written };
    if (performance.now() > deadline) return { drained: false, drainMs: performance.now() - since, written: facts.written };
    await sleep(DRAIN_POLL_MS);
  }
}

/** Rows in the child's `requests` table (its own database connection answers). */
async function rowsIn(child) {
  const facts = await child.ask('ledger', { count: true }, 30_000);
  if (facts.error !== undefined) throw new Error(`${child.name}: ${facts.error}`);
  return facts.rows;
}

/**
 * One cell: warm-up (then, when recording, wait for its records to land so the measured phase starts
 * with an empty queue), the measured phase, then (when recording) how long until every request sent
 * so far was written, and the row count. `target.sent` accumulates every request sent to that proxy.
 */
async function runCell(target, { concurrency, stream, warmup, measure }) {
  const pool = openPool(target, concurrency);
  try {
    const options = messagesRequest(target, stream);
    const w = await runPhase(pool, options, concurrency, warmup);
    target.sent += w.latencies.length + w.errors;
    if (target.child.recording) await waitForDrain(target.child, target.sent, performance.now());
    await target.child.ask('loop', { reset: true });
    const cpuBefore = await target.child.cpuUs();
    const postgresBefore = postgresCpuUs();
    const machineBefore = machineBusyUs();
    const r = await runPhase(pool, options, concurrency, measure);
    const loadEnded = performance.now();
    const loop = await target.child.ask('loop');
    target.sent += r.latencies.length + r.errors;
    const cell = {
      target: target.key,
      concurrency,
      stream: stream !== undefined,
      requests: r.latencies.length + r.errors,
      errors: r.errors + w.errors,
      rps: r.latencies.length / (r.elapsedMs / 1000),
      p50: percentile(r.latencies, 0.5),
      p99: percentile(r.latencies, 0.99),
      cpuUsPerRequest: null,
      postgresCpuUsPerRequest: null,
      machineCpuUsPerRequest: null,
      stallMaxMs: loop.maxMs,
      ledger: null,
    };
    let drain = null;
    if (target.child.recording) drain = await waitForDrain(target.child, target.sent, loadEnded);
    // The proxy's CPU per measured request, including writing their records once the load ended.
    const per = (used) => used / Math.max(1, cell.requests);
    cell.cpuUsPerRequest = per((await target.child.cpuUs()) - cpuBefore);
    const postgresAfter = postgresCpuUs();
    const machineAfter = machineBusyUs();
    if (postgresBefore !== null && postgresAfter !== null) cell.postgresCpuUsPerRequest = per(postgresAfter - postgresBefore);
    if (machineBefore !== null && machineAfter !== null) cell.machineCpuUsPerRequest = per(machineAfter - machineBefore);
    if (drain !== null) cell.ledger = { ...drain, sent: target.sent, rows: await rowsIn(target.child) };
    return cell;
  } finally {
    await pool.close();
  }
}

/** Part 1: every cell (mode × concurrency) for every target, targets interleaved within a cell. */
export async function proxyWithRecording(targets, plan, progress) {
  const rows = [];
  for (const mode of plan.modes) {
    for (const concurrency of plan.concurrencies) {
      for (const target of targets) {
        progress(`1) ${mode.stream === undefined ? 'non-streaming' : 'streaming'}, concurrency ${concurrency}: ${target.label}`);
        rows.push({ mode: mode.key, ...(await runCell(target, { concurrency, stream: mode.stream, warmup: plan.warmup, measure: plan.measure })) });
      }
    }
  }
  return rows;
}

/**
 * A pool of pre-generated batches handed out round-robin with fresh ids, so the timed loop measures
 * the database and not the generator (the other fields repeat; roll-ups still spread over 30 days).
 */
function batchPool({ tag, seed, accountIndex, batches = 20 }) {
  const source = recordSource({ tag, seed, accountIndex });
  const pool = Array.from({ length: batches }, () => source.batch(BATCH));
  let next = 0;
  let id = 0;
  return () => {
    const batch = pool[next];
    next = (next + 1) % pool.length;
    for (const record of batch) record.id = `req_nexus_${tag}_${(id++).toString(36).padStart(8, '0')}`;
    return batch;
  };
}

/**
 * Part 2: `writers` loops calling writeUsageBatch with batches of 500 until `maxMs` or `maxRecords`.
 * With several writers each gets its own account, so their roll-up upserts never wait on each other.
 */
export async function sustainedWrites(db, { tag, writers = 1, maxMs, maxRecords }) {
  const batchMs = [];
  let records = 0;
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  const writer = async (index) => {
    const nextBatch = batchPool({ tag: `${tag}w${index}`, seed: 11 + index, accountIndex: writers > 1 ? index : undefined });
    while (performance.now() < deadline && records < maxRecords) {
      const batch = nextBatch();
      records += batch.length;
      const started = performance.now();
      await writeUsageBatch(db, batch);
      batchMs.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, i) => writer(i)));
  const seconds = (performance.now() - t0) / 1000;
  return { writers, records, seconds, recordsPerSec: records / seconds, batchP50: percentile(batchMs, 0.5), batchP99: percentile(batchMs, 0.99) };
}

/** The report queries of part 3: what the CLI and dashboard ask for. */
export const REPORT_QUERIES = Object.freeze([
  { key: 'day-utc', label: 'usageByPeriod day (UTC)', run: (db) => usageByPeriod(db, { period: 'day' }) },
  { key: 'day-ny', label: 'usageByPeriod day (America/New_York)', run: (db) => usageByPeriod(db, { period: 'day', timeZone: 'America/New_York' }) },
  { key: 'week', label: 'usageByPeriod week (UTC)', run: (db) => usageByPeriod(db, { period: 'week' }) },
  { key: 'month', label: 'usageByPeriod month (UTC)', run: (db) => usageByPeriod(db, { period: 'month' }) },
  { key: 'totals', label: 'usageTotals (all)', run: (db) => usageTotals(db, {}) },
  { key: 'day-model', label: 'usageByPeriod day by model (UTC)', run: (db) => usageByPeriod(db, { period: 'day', by: 'model' }) },
  {
    key: 'day-kolkata',
    label: 'usageByPeriod day (Asia/Kolkata, +05:30)',
    extra: 'not a whole-hour zone: reads raw requests, not the roll-ups',
    run: (db) => usageByPeriod(db, { period: 'day', timeZone: 'Asia/Kolkata' }),
  },
]);

/** Part 3: each query `runs` times in a row; median and max ms, and how many rows it returned. */
export async function timeQueries(db, runs) {
  const results = [];
  for (const query of REPORT_QUERIES) {
    const times = [];
    let rows = 0;
    for (let i = 0; i < runs; i += 1) {
      const t0 = performance.now();
      const answer = await query.run(db);
      times.push(performance.now() - t0);
      rows = Array.isArray(answer) ? answer.length : 1;
    }
    results.push({ key: query.key, label: query.label, extra: query.extra ?? null, runs, median: percentile(times, 0.5), max: Math.max(...times), rows });
  }
  return results;
}
