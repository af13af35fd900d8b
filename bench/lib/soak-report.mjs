/**
 * The soak bench's verdicts (a simple rule, printed; never an exit code) and its printed report:
 * the samples, start / end / max, the traffic and the ledger check.
 */
import { MB } from './constants.mjs';
import { rowsFor } from './ledger-audit.mjs';
import { KINDS } from './soak-traffic.mjs';
import { count, fixed, int, mb, ms, out, table } from './table.mjs';

const cores = fixed(2);

/**
 * "Flat": the median of the samples in the last window of the load is at most the median of the
 * samples in the window after warm-up × (1 + ratio) + slack. Medians of a window, not single samples,
 * so one sample taken at the top of a garbage-collection cycle does not decide the verdict.
 */
export const FLAT_RULE = Object.freeze({ ratio: 0.1, slackBytes: 20 * MB, slackFds: 20, windowSeconds: 60 });

/** The window: 1 minute, or a quarter of a run shorter than 4 minutes. */
export function windowSeconds(durationS) {
  return Math.min(FLAT_RULE.windowSeconds, durationS / 4);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Start (median over [w, 2w) of load, after a warm-up of w), end (median over the last w), max over
 * all samples under load, the limit and whether `key` stayed flat; null without samples.
 */
export function flatness(samples, key, slack, durationS) {
  const w = windowSeconds(durationS);
  const under = samples.filter((s) => s.phase === 'load' && s[key] !== null);
  const start = under.filter((s) => s.t >= w && s.t < 2 * w).map((s) => s[key]);
  const end = under.filter((s) => s.t > durationS - w).map((s) => s[key]);
  if (start.length === 0 || end.length === 0) return null;
  const base = median(start);
  const limit = base * (1 + FLAT_RULE.ratio) + slack;
  const last = median(end);
  return { base, end: last, max: Math.max(...under.map((s) => s[key])), limit, flat: last <= limit };
}

function header({ meta }) {
  out('Claude Nexus soak benchmark (treat as relative: machine-dependent)');
  out(`node ${meta.node}, ${meta.platform}, ${meta.cpus} CPU(s) (${meta.cpuModel}), shared by the load generator, the upstream, the proxy`);
  out(`  and the database; ${meta.minutes} minute(s) of load, whole run ${meta.seconds.toFixed(0)} s`);
  out(`one recording proxy (bench/nexus-child.mjs --record, production wiring), ledger: ${meta.database}; STORE_BODIES ${meta.storeBodies ? 'on' : 'off'}`);
  const p = meta.plan;
  out(`traffic, open loop at ${p.rate} req/s (at most ${p.maxInFlight} in flight, the rest skipped): every other request non-streaming, the others`);
  out(`  streaming (${p.stream.events} SSE events ${p.stream.delayMs} ms apart), 1 in ${p.abortEvery} of those destroyed by the client after its first body chunk;`);
  out(`  beside them ${p.slow.clients} slow client(s), each reading ${mb(p.slow.bytes)} MB streams at ${int(p.slow.bytesPerSecond / 1024)} KiB/s, one after the other.`);
  out(`samples of the proxy process every ${p.sampleSeconds} s: RSS and heap (process.memoryUsage), open fds (/proc/<pid>/fd entries),`);
  out('  handles = active libuv resources (process.getActiveResourcesInfo); written/backlog = its recorder\'s counters.');
}

function samplesSection({ samples, meta }) {
  out();
  out('Samples (t = seconds since the load started; "before" = idle, before any request; "after" = idle, load over,');
  out('records written, client pools closed; the proxy still holds its idle keep-alive sockets to the upstream and its');
  out('database pool). done/s = requests finished (completed or aborted) in the interval; proxy CPU and machine =');
  out(`CPU seconds per wall second over the interval, of the proxy process and of all ${meta.cpus} core(s) (/proc/stat, everything running).`);
  table(
    ['t s', 'RSS MB', 'heap used MB', 'heap total MB', 'external MB', 'fds', 'handles', 'in flight', 'done/s', 'plain p99 ms', 'proxy CPU', 'machine', 'written', 'backlog'],
    samples.map((s) => [
      s.phase === 'load' ? int(s.t) : s.phase,
      mb(s.rss),
      mb(s.heapUsed),
      mb(s.heapTotal),
      mb(s.external),
      s.fds ?? '—',
      s.resources ?? '—',
      s.inFlight ?? '—',
      int(s.doneRate),
      ms(s.plainP99),
      cores(s.proxyCores),
      cores(s.machineCores),
      count(s.written),
      count(s.backlog),
    ]),
  );
}

function verdictLine(label, f, format, unit) {
  if (f === null) return out(`  ${label}: — (no samples)`);
  const grew = f.end - f.base;
  out(`  ${label}: ${f.flat ? 'yes' : 'NO'} — start ${format(f.base)}${unit}, end ${format(f.end)}${unit} (${grew >= 0 ? '+' : '−'}${format(Math.abs(grew))}${unit}), max ${format(f.max)}${unit}; limit ${format(f.limit)}${unit}`);
}

function verdictSection({ verdicts, samples, meta }) {
  const duration = meta.minutes * 60;
  const w = windowSeconds(duration);
  const secs = (v) => `${Math.round(v)} s`;
  out();
  out(`Start vs end, and verdicts. Rule: start = median of the samples from ${secs(w)} to ${secs(2 * w)} of load (after ${secs(w)} of warm-up),`);
  out(`end = median of the samples in the last ${secs(w)}; flat = end ≤ start × ${1 + FLAT_RULE.ratio} + ${FLAT_RULE.slackBytes / MB} MB (RSS, heap) or + ${FLAT_RULE.slackFds} (fds);`);
  out('max = the highest sample under load. Printed for reading, never an exit code.');
  verdictLine('RSS flat', verdicts.rss, mb, ' MB');
  verdictLine('heap flat', verdicts.heapUsed, mb, ' MB');
  verdictLine('fd flat', verdicts.fds, (v) => String(Math.round(v)), '');
  const before = samples.find((s) => s.phase === 'before');
  const after = samples.find((s) => s.phase === 'after');
  out(`  idle, before load → after load: fds ${before?.fds ?? '—'} → ${after?.fds ?? '—'}, handles ${before?.resources ?? '—'} → ${after?.resources ?? '—'}, RSS ${mb(before?.rss)} → ${mb(after?.rss)} MB`);
}

function trafficSection({ traffic, audit, drain, cpuUsPerRequest }) {
  out();
  out('Requests (client side) and rows in `requests` (by user agent and outcome):');
  const rowsOf = (kind, outcome) => rowsFor(audit, KINDS[kind].agent, outcome);
  const kinds = Object.keys(KINDS);
  const line = (kind) => {
    const c = traffic.counters[kind];
    return [KINDS[kind].label, count(c.sent), count(c.completed), count(c.aborted), count(c.errors), count(rowsOf(kind)), count(rowsOf(kind, 'completed')), count(rowsOf(kind, 'aborted')), count(rowsOf(kind, 'failed'))];
  };
  const sum = (key) => kinds.reduce((total, kind) => total + traffic.counters[kind][key], 0);
  const rowsAll = (outcome) => kinds.reduce((total, kind) => total + rowsOf(kind, outcome), 0);
  table(
    ['kind', 'sent', 'completed', 'aborted', 'errors', 'rows', 'rows completed', 'rows aborted', 'rows failed'],
    [...kinds.map(line), ['all', count(sum('sent')), count(sum('completed')), count(sum('aborted')), count(sum('errors')), count(rowsAll()), count(rowsAll('completed')), count(rowsAll('aborted')), count(rowsAll('failed'))]],
  );
  out(`  skipped at the in-flight cap (never sent): ${count(traffic.skipped)}; proxy CPU over the whole load: ${int(cpuUsPerRequest)} µs per request sent`);
  for (const [what, n] of [...traffic.errorKinds].sort((a, b) => b[1] - a[1]).slice(0, 5)) out(`  error: ${what} × ${count(n)}`);
  const abortsCompleted = rowsOf('abort', 'completed');
  if (abortsCompleted > 0) {
    out(`  ${count(abortsCompleted)} client abort(s) recorded as completed: the proxy had written the whole stream before the client went`);
    out('  away (its first chunk reached the client late), so from the proxy\'s side the exchange did complete.');
  }
  out(`  recorder drained ${drain.drained ? `${int(drain.drainMs)} ms after the load` : `NOT within ${int(drain.drainMs)} ms (backlog ${count(drain.backlog)})`}`);
  const sent = sum('sent');
  const exact = audit.rows === sent && audit.distinctIds === audit.rows;
  out(`  rows in \`requests\` = requests sent (aborted included): ${exact ? 'yes' : 'NO'} — ${count(audit.rows)} rows, ${count(sent)} sent, ${count(audit.distinctIds)} distinct ids`);
  out(`  roll-ups (usage_hourly) = sums over the raw rows: ${audit.rollups.same && audit.rollups.requests === audit.rows ? 'yes' : 'NO'}`);
}

export function printSoakReport(results) {
  header(results);
  for (const note of results.notes) out(`note: ${note}`);
  samplesSection(results);
  verdictSection(results);
  trafficSection(results);
}
