/** Derived figures (overhead of the proxy against direct and the pipe proxy) and the reference targets. */
import { MB } from './constants.mjs';

/** Reference targets, printed next to the figures; the bench never fails on them. */
export const TARGETS = Object.freeze({
  addedP50Ms: 0.5,
  addedP99Ms: 2,
  addedFirstByteMs: 1,
  rpsVsPipe: 0.8,
  heldStreamsRssMb: 150,
  /**
   * "Flat": the second half of a large stream raises peak RSS by at most this much over the first
   * half (a proxy that buffered would grow by about half the stream there).
   */
  largeStreamSecondHalfMb: 10,
});

const NEXUS_TARGETS = ['nexus', 'nexus-managed'];

const find = (rows, key, concurrency) => rows.find((r) => r.target === key && (concurrency === undefined || r.concurrency === concurrency));
const minus = (a, b) => (a === null || b === null || a === undefined || b === undefined ? null : a - b);

/** Per concurrency and nexus mode: added p50/p99 vs direct and requests/s as a share of the pipe proxy. */
export function nonStreamingOverhead(rows) {
  const concurrencies = [...new Set(rows.map((r) => r.concurrency))];
  return concurrencies.flatMap((concurrency) => {
    const direct = find(rows, 'direct', concurrency);
    const pipe = find(rows, 'pipe', concurrency);
    return NEXUS_TARGETS.map((key) => find(rows, key, concurrency))
      .filter((row) => row !== undefined)
      .map((row) => ({
        target: row.target,
        concurrency,
        addedP50: minus(row.p50, direct?.p50),
        addedP99: minus(row.p99, direct?.p99),
        rpsVsPipe: pipe === undefined || pipe.rps === 0 ? null : row.rps / pipe.rps,
      }));
  });
}

export function streamingOverhead(rows) {
  const direct = find(rows, 'direct');
  const nexus = find(rows, 'nexus');
  return { addedFirstByteP50: minus(nexus?.ttfbP50, direct?.ttfbP50), addedFirstByteP99: minus(nexus?.ttfbP99, direct?.ttfbP99) };
}

function check(figure, value, limit, unit, lowerIsBetter = true) {
  const ok = value === null ? null : lowerIsBetter ? value <= limit : value >= limit;
  return { figure, value, unit, target: `${lowerIsBetter ? '≤' : '≥'} ${limit}${unit}`, ok };
}

/** Every figure that has a target, with whether it met it (informational only). */
export function targetChecks(results, labels) {
  const checks = [];
  for (const o of results.overhead) {
    const who = `${labels[o.target]}, concurrency ${o.concurrency}`;
    checks.push(check(`added p50 latency (${who})`, o.addedP50, TARGETS.addedP50Ms, ' ms'));
    checks.push(check(`added p99 latency (${who})`, o.addedP99, TARGETS.addedP99Ms, ' ms'));
    checks.push(check(`requests/s vs pipe proxy (${who})`, o.rpsVsPipe === null ? null : o.rpsVsPipe * 100, TARGETS.rpsVsPipe * 100, '%', false));
  }
  checks.push(check('added first byte p50, streaming (nexus)', results.streamingOverhead.addedFirstByteP50, TARGETS.addedFirstByteMs, ' ms'));
  const held = find(results.heldStreams, 'nexus');
  if (held !== undefined) {
    const peakMb = held.peakRss / MB;
    const label = `peak RSS, ${held.streams} open streams (nexus)`;
    checks.push({ ...check(label, peakMb, TARGETS.heldStreamsRssMb, ' MB'), target: `< ${TARGETS.heldStreamsRssMb} MB`, ok: peakMb < TARGETS.heldStreamsRssMb });
  }
  const large = find(results.largeStream, 'nexus');
  if (large !== undefined && large.peakFirstHalf !== null && large.peakSecondHalf !== null) {
    const size = Math.round(large.bytes / MB);
    const label = `peak RSS growth, 2nd vs 1st half of a ${size} MB stream (nexus)`;
    checks.push(check(label, (large.peakSecondHalf - large.peakFirstHalf) / MB, TARGETS.largeStreamSecondHalfMb, ' MB'));
  }
  return checks;
}
