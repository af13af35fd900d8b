/**
 * One row of the scale-out bench: load spread round-robin over N proxy instances (one undici pool
 * each), warm-up, measured phase, then until every instance's recorder wrote all it was sent, the
 * CPU every process used meanwhile, and the audit of the shared database.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { rowsFor } from './ledger-audit.mjs';
import { messagesRequest, openPool, percentile, timedRequest } from './load.mjs';
import { machineBusyUs, postgresCpuUs } from './proc-stats.mjs';
import { auditOf, waitForWritten } from './recording.mjs';

const DRAIN_TIMEOUT_MS = 60_000;

/** The user agent of instance `index`'s requests in run `run`: how the audit tells runs and instances apart. */
export const agentOf = (run, index) => `claude-nexus-bench/scale-out ${run} instance-${index + 1}`;

/**
 * `concurrency` workers, each request sent to the next pool in turn, until `maxCount` requests were
 * started or `maxMs` passed. Resolves `{ latencies, errors, sentBy, elapsedMs }`.
 */
export async function runSpread(pools, optionsFor, concurrency, { maxCount, maxMs }) {
  const deadline = performance.now() + maxMs;
  const result = { latencies: [], errors: 0, sentBy: pools.map(() => 0), elapsedMs: 0 };
  let started = 0;
  const worker = async () => {
    while (started < maxCount && performance.now() < deadline) {
      const at = started % pools.length;
      started += 1;
      result.sentBy[at] += 1;
      try {
        const r = await timedRequest(pools[at], optionsFor[at]);
        if (r.ok) result.latencies.push(r.latencyMs);
        else result.errors += 1;
      } catch {
        result.errors += 1;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = performance.now() - t0;
  return result;
}

/** CPU time so far (µs) of the proxies, the upstream, this process, the PostgreSQL server and the whole machine (null if not visible). */
async function cpuNow(targets, upstream) {
  const { user, system } = process.cpuUsage();
  return {
    proxies: (await Promise.all(targets.map((t) => t.child.cpuUs()))).reduce((a, b) => a + b, 0),
    upstream: await upstream.cpuUs(),
    load: user + system,
    postgres: postgresCpuUs(),
    machine: machineBusyUs(),
    at: performance.now(),
  };
}

function cpuSpent(before, after, requests) {
  const wallUs = (after.at - before.at) * 1000;
  const cores = (key) => (before[key] === null || after[key] === null ? null : (after[key] - before[key]) / wallUs);
  return {
    proxyUsPerRequest: (after.proxies - before.proxies) / Math.max(1, requests),
    cores: { proxies: cores('proxies'), upstream: cores('upstream'), load: cores('load'), postgres: cores('postgres'), machine: cores('machine') },
  };
}

/** Did every request of this run land exactly once, and does the whole ledger still add up? */
function recordCheck(run, targets, sentBy, audit) {
  const perInstance = sentBy.map((sent, i) => ({ sent, rows: rowsFor(audit, agentOf(run, i)) }));
  const sentTotal = targets.all.reduce((sum, t) => sum + t.sent, 0);
  const exact =
    perInstance.every((p) => p.rows === p.sent) && audit.rows === sentTotal && audit.distinctIds === audit.rows && audit.rollups.same && audit.rollups.requests === audit.rows;
  return { perInstance, ledgerRows: audit.rows, ledgerSent: sentTotal, distinctIds: audit.distinctIds, rollupsSame: audit.rollups.same, rollupRequests: audit.rollups.requests, exact };
}

/**
 * Runs one configuration: `targets.used` (the instances this row loads) out of `targets.all` (every
 * instance sharing the database; each `target.sent` accumulates what it was sent over the bench).
 */
export async function runConfiguration({ run, targets, upstream, mode, concurrency, warmup, measure }) {
  const used = targets.used;
  const pools = used.map((t) => openPool(t, concurrency));
  try {
    const optionsFor = used.map((t, i) => messagesRequest({ headers: { ...t.headers, 'user-agent': agentOf(run, i) } }, mode.stream));
    const w = await runSpread(pools, optionsFor, concurrency, warmup);
    used.forEach((t, i) => (t.sent += w.sentBy[i]));
    await Promise.all(used.map((t) => waitForWritten(t.child, t.sent, DRAIN_TIMEOUT_MS)));
    const before = await cpuNow(used, upstream);
    const r = await runSpread(pools, optionsFor, concurrency, measure);
    used.forEach((t, i) => (t.sent += r.sentBy[i]));
    const drains = await Promise.all(used.map((t) => waitForWritten(t.child, t.sent, DRAIN_TIMEOUT_MS)));
    const after = await cpuNow(used, upstream);
    const requests = r.latencies.length + r.errors;
    const audit = await auditOf(used[0].child);
    return {
      run,
      mode: mode.key,
      instances: used.length,
      requests,
      errors: r.errors + w.errors,
      rps: r.latencies.length / (r.elapsedMs / 1000),
      p50: percentile(r.latencies, 0.5),
      p99: percentile(r.latencies, 0.99),
      ...cpuSpent(before, after, requests),
      drained: drains.every((d) => d.drained),
      drainMs: Math.max(...drains.map((d) => d.drainMs)),
      records: recordCheck(run, targets, w.sentBy.map((n, i) => n + r.sentBy[i]), audit),
    };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
