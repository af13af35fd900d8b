/** Prints the scale-out bench's results (stdout): throughput, latency, CPU, and the record checks. */
import { count, fixed, int, ms, out, percent, table } from './table.mjs';

const MODE_LABELS = { plain: 'non-streaming', stream: 'streaming' };
const cores = fixed(2);

function header({ meta }) {
  out('Claude Nexus scale-out benchmark (treat as relative: machine-dependent)');
  out(`node ${meta.node}, ${meta.platform}, ${meta.cpus} CPU(s) (${meta.cpuModel}); ${meta.quick ? 'quick' : 'full'} run, ${meta.seconds.toFixed(0)} s`);
  out(`NOTE: this machine has ${meta.cpus} CPU core(s), shared by everything in this bench: the load generator (this`);
  out('  process), the fake upstream, every proxy instance and the PostgreSQL server (and whatever else runs here).');
  out('  A second instance adds no cores: the 2-instance rows show what sharing one database costs and whether');
  out('  records stay exact, not how far the proxy scales on machines of its own.');
  out(`PostgreSQL: ${meta.postgres}; both instances write to it (recording on, production wiring, own spool each).`);
  out(`load: concurrency ${meta.plan.concurrency} in total, each request sent to the next instance in turn (one keep-alive pool per instance);`);
  out(`  warm-up ${meta.plan.warmup.maxMs / 1000} s, then up to ${meta.plan.measure.maxMs / 1000} s or ${count(meta.plan.measure.maxCount)} requests per row; streaming = ${meta.plan.modes[1].stream.events} SSE events, no delay.`);
}

function throughputSection({ rows }) {
  out();
  out('Throughput and latency (request start to last body byte); proxy CPU = CPU time of all loaded instances per');
  out('measured request, including writing their records after the load (PostgreSQL\'s own CPU is not in it).');
  table(
    ['mode', 'instances', 'req/s', 'vs 1 instance', 'p50 ms', 'p99 ms', 'proxy CPU µs/req', 'requests', 'errors'],
    rows.map((r) => {
      const one = rows.find((o) => o.mode === r.mode && o.instances === 1);
      const ratio = one === undefined || one.rps === 0 || r.instances === 1 ? null : r.rps / one.rps;
      return [MODE_LABELS[r.mode], r.instances, int(r.rps), ratio === null ? '' : `${ratio.toFixed(2)}×`, ms(r.p50), ms(r.p99), int(r.proxyUsPerRequest), count(r.requests), r.errors];
    }),
    2,
  );
}

function cpuSection({ rows, meta }) {
  out();
  out(`Where the ${meta.cpus} core(s) went during each measured phase and its drain (CPU seconds per wall second):`);
  out('  PostgreSQL = every process of the local server (all its clients, not only this bench); whole machine = busy time of');
  out('  all cores (/proc/stat); outside the bench = whole machine − the four before it (other work on this machine); — = not visible.');
  table(
    ['mode', 'instances', 'proxies', 'upstream', 'load generator', 'PostgreSQL', 'whole machine', 'outside the bench'],
    rows.map((r) => {
      const parts = [r.cores.proxies, r.cores.upstream, r.cores.load, r.cores.postgres];
      const ours = parts.reduce((a, b) => a + (b ?? 0), 0);
      const machine = r.cores.machine;
      return [MODE_LABELS[r.mode], r.instances, ...parts.map(cores), machine === null ? '—' : `${cores(machine)} (${percent(machine / meta.cpus)})`, machine === null ? '—' : cores(Math.max(0, machine - ours))];
    }),
    2,
  );
}

function recordsSection({ rows }) {
  out();
  out('Records counted exactly? After each row, once every instance\'s recorder wrote all it was sent:');
  out('  this row = rows in `requests` with this row\'s user agent, per instance / requests that instance was sent (warm-up');
  out('  included); whole ledger = all rows / all requests sent so far; distinct ids = count(DISTINCT id) = count(*);');
  out('  roll-ups = usage_hourly totals equal the sums over the raw rows (requests, errors, tokens, cost).');
  table(
    ['mode', 'instances', 'this row: rows / sent', 'whole ledger: rows / sent', 'distinct ids', 'roll-ups', 'drained after ms', ''],
    rows.map((r) => {
      const c = r.records;
      return [
        MODE_LABELS[r.mode],
        r.instances,
        c.perInstance.map((p) => `${count(p.rows)} / ${count(p.sent)}`).join(' + '),
        `${count(c.ledgerRows)} / ${count(c.ledgerSent)}`,
        c.distinctIds === c.ledgerRows ? '= rows' : `${count(c.distinctIds)} ≠ rows`,
        c.rollupsSame && c.rollupRequests === c.ledgerRows ? '= raw' : 'DIFFER',
        `${int(r.drainMs)}${r.drained ? '' : ' (timed out)'}`,
        c.exact ? 'exact' : 'MISMATCH',
      ];
    }),
    2,
  );
  const exact = rows.every((r) => r.records.exact);
  out(`  records counted exactly: ${exact ? 'yes, every request once, none doubled, roll-ups = raw sums' : 'NO (see the rows marked MISMATCH)'}`);
}

export function printScaleOutReport(results) {
  header(results);
  throughputSection(results);
  cpuSection(results);
  recordsSection(results);
}
