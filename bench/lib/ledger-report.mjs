/** Prints the ledger bench's results (stdout) and derives its figures against the reference targets. */
import process from 'node:process';

/** Reference targets, printed next to the figures; the bench never fails on them. */
export const LEDGER_TARGETS = Object.freeze({ throughputLoss: 0.1, addedP99Ms: 2, queryMs: 100 });

const out = (line = '') => process.stdout.write(`${line}\n`);
const fixed = (digits) => (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
const ms = fixed(2);
const int = fixed(0);
const count = (v) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
const signed = (v) => (v === null || v === undefined ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);
const percent = (ratio) => (ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(1)}%`);

/** Left-aligns the first `left` columns (labels), right-aligns the others (figures); indented. */
function table(headers, rows, left = 1) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (cells) => `  ${cells.map(cell).join('  ')}`.trimEnd();
  out(line(headers));
  for (const row of rows) out(line(row));
}

const MODE_LABELS = { plain: 'non-streaming', stream: 'streaming' };

/** Per recording target and cell: throughput loss and added p99 against recording off. */
export function recordingOverhead(rows) {
  return rows
    .filter((r) => r.target !== 'off')
    .map((row) => {
      const off = rows.find((r) => r.target === 'off' && r.mode === row.mode && r.concurrency === row.concurrency);
      return {
        mode: row.mode,
        concurrency: row.concurrency,
        target: row.target,
        loss: off === undefined || off.rps === 0 ? null : 1 - row.rps / off.rps,
        addedP50: off === undefined || row.p50 === null || off.p50 === null ? null : row.p50 - off.p50,
        addedP99: off === undefined || row.p99 === null || off.p99 === null ? null : row.p99 - off.p99,
        addedCpuUs: off === undefined || row.cpuUsPerRequest === null || off.cpuUsPerRequest === null ? null : row.cpuUsPerRequest - off.cpuUsPerRequest,
        addedMachineCpuUs:
          off === undefined || row.machineCpuUsPerRequest === null || off.machineCpuUsPerRequest === null ? null : row.machineCpuUsPerRequest - off.machineCpuUsPerRequest,
      };
    });
}

function check(figure, value, unit, ok, target) {
  return { figure, value: value === null ? '—' : `${value}${unit}`, target, verdict: ok === null ? 'n/a' : ok ? 'met' : 'MISSED' };
}

/** Every figure that has a target, with whether it met it (informational only). */
export function ledgerChecks(results, labels) {
  const checks = [];
  for (const o of results.overhead) {
    const who = `${labels[o.target]}, ${MODE_LABELS[o.mode]} c${o.concurrency}`;
    const loss = o.loss === null ? null : o.loss * 100;
    checks.push(check(`throughput loss (${who})`, loss === null ? null : loss.toFixed(1), '%', loss === null ? null : loss <= LEDGER_TARGETS.throughputLoss * 100, `≤ ${LEDGER_TARGETS.throughputLoss * 100}%`));
    checks.push(check(`added p99 (${who})`, o.addedP99 === null ? null : signed(o.addedP99), ' ms', o.addedP99 === null ? null : o.addedP99 <= LEDGER_TARGETS.addedP99Ms, `≤ ${LEDGER_TARGETS.addedP99Ms} ms`));
  }
  for (const target of results.recordingTargets) {
    const cells = results.proxy.filter((r) => r.target === target && r.ledger !== null);
    const last = cells.at(-1)?.ledger;
    if (last === undefined) continue;
    const allDrained = cells.every((c) => c.ledger.drained && c.ledger.rows === c.ledger.sent);
    checks.push({
      figure: `every request recorded (${labels[target]})`,
      value: `${count(last.rows)} / ${count(last.sent)}`,
      target: 'rows = requests sent',
      verdict: allDrained ? 'met' : 'MISSED',
    });
  }
  for (const db of results.queries) {
    for (const q of db.results) {
      const who = `${q.label}, ${db.label}${q.extra === null ? '' : ' [extra]'}`;
      checks.push(check(`query median (${who})`, ms(q.median), ' ms', q.median < LEDGER_TARGETS.queryMs, `< ${LEDGER_TARGETS.queryMs} ms`));
    }
  }
  return checks;
}

function header({ meta }) {
  out('Claude Nexus usage-ledger benchmark (treat as relative: machine-dependent)');
  out(`node ${meta.node}, ${meta.platform}, ${meta.cpus} CPU(s) (${meta.cpuModel}); ${meta.quick ? 'quick' : 'full'} run, ${meta.seconds.toFixed(0)} s`);
  out(`PostgreSQL: ${meta.postgres}; PGlite: embedded, on its own thread of the process that uses it (a temp DATA_DIR).`);
  out('upstream and each proxy run in their own process; the load generator, part 2 writers and part 3 queries run in this one.');
}

function proxySection(results, labels) {
  const { plan } = results.meta;
  out();
  out('1) Proxy with usage recording off / on (POST /v1/messages through nexus passthrough)');
  out(`   recording on = production wiring: openLedger (openDatabase + createRecorder, spool in DATA_DIR) + createUsageListenerFactory as \`listen\`; STORE_BODIES ${results.meta.storeBodies ? 'on' : 'off'}.`);
  out(`   warm-up ${plan.warmup.maxMs / 1000} s, then up to ${plan.measure.maxMs / 1000} s or ${plan.measure.maxCount} requests per row; streaming = ${plan.modes[1].stream.events} SSE events, no delay between them.`);
  out('   latency = request start to last body byte. Recording targets: the warm-up\'s records are written before the measured phase starts.');
  out('   CPU per measured request, including writing their records after the load: nexus = the proxy process (all its');
  out('   threads: PGlite\'s included), PostgreSQL = every postgres process, machine = all busy CPU (load generator and');
  out('   upstream too). Longest stall = the proxy\'s event loop, the longest it turned late during the load.');
  table(
    ['mode', 'concurrency', 'recording', 'req/s', 'p50 ms', 'p99 ms', 'nexus µs/req', 'PostgreSQL µs/req', 'machine µs/req', 'longest stall ms', 'requests', 'errors'],
    results.proxy.map((r) => [
      MODE_LABELS[r.mode], r.concurrency, labels[r.target], int(r.rps), ms(r.p50), ms(r.p99), int(r.cpuUsPerRequest),
      int(r.postgresCpuUsPerRequest), int(r.machineCpuUsPerRequest), fixed(1)(r.stallMaxMs), r.requests, r.errors,
    ]),
    3,
  );
  out();
  out('   recording on against off (at concurrency 32 every core is busy: throughput falls by about the added machine CPU');
  out('   over the machine CPU with recording on, so a database on these same cores costs requests its own CPU too):');
  const added = (v) => (v === null ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(0)}`);
  table(
    ['mode', 'concurrency', 'recording', 'throughput loss', 'added p50 ms', 'added p99 ms', 'added nexus µs/req', 'added machine µs/req'],
    results.overhead.map((o) => [MODE_LABELS[o.mode], o.concurrency, labels[o.target], percent(o.loss), signed(o.addedP50), signed(o.addedP99), added(o.addedCpuUs), added(o.addedMachineCpuUs)]),
    3,
  );
  out();
  out('   after each recording row: rows in `requests` / requests sent to that proxy so far (warm-ups included),');
  out('   and the time from the end of the load until the recorder had written them all:');
  table(
    ['mode', 'concurrency', 'recording', 'records written / requests sent', 'drained after ms', 'backlog cleared'],
    results.proxy
      .filter((r) => r.ledger !== null)
      .map((r) => [MODE_LABELS[r.mode], r.concurrency, labels[r.target], `${count(r.ledger.rows)} / ${count(r.ledger.sent)}`, int(r.ledger.drainMs), r.ledger.drained ? 'yes' : 'NO (timed out)']),
    3,
  );
}

function writesSection({ writes, meta }) {
  out();
  out(`2) Sustained writeUsageBatch, batches of 500 generated records, up to ${meta.plan.writes.maxMs / 1000} s or ${count(meta.plan.writes.maxRecords)} records per row`);
  out('   (1 writer is how the recorder writes; several writers each write their own account)');
  table(
    ['database', 'writers', 'records', 'seconds', 'records/s', 'batch p50 ms', 'batch p99 ms'],
    writes.map((w) => [w.label, w.writers, count(w.records), w.seconds.toFixed(1), count(w.recordsPerSec), ms(w.batchP50), ms(w.batchP99)]),
  );
}

function queriesSection({ queries, meta }) {
  out();
  out(`3) Report queries over a generated ledger (30 days, 5 accounts, 4 models), each run ${meta.plan.queryRuns} times in a row`);
  for (const db of queries) {
    out(`   ${db.label}: ${count(db.load.rows)} rows generated in ${(db.load.insertMs / 1000).toFixed(1)} s (INSERT … SELECT generate_series),`);
    out(`     roll-ups rebuilt by rebuildRollups() in ${(db.load.rollupMs / 1000).toFixed(1)} s; roll-up totals = raw sums: ${db.rollupsMatch ? 'yes' : 'NO'}${db.analyzed ? '; VACUUM ANALYZE after loading (as autovacuum would)' : ''}`);
  }
  table(
    ['database', 'query', 'median ms', 'max ms', 'rows'],
    queries.flatMap((db) => db.results.map((q) => [db.label, q.extra === null ? q.label : `${q.label} *`, ms(q.median), ms(q.max), q.rows])),
    2,
  );
  if (queries.some((db) => db.results.some((q) => q.extra !== null))) {
    out(`   * extra, ${queries[0]?.results.find((q) => q.extra !== null)?.extra ?? ''}`);
  }
}

function targetsSection({ checks }) {
  out();
  out('Targets (for reference only; nothing is asserted)');
  table(['figure', 'measured', 'target', ''], checks.map((c) => [c.figure, c.value, c.target, c.verdict]));
}

export function printLedgerReport(results, labels) {
  header(results);
  for (const note of results.notes) out(`note: ${note}`);
  proxySection(results, labels);
  writesSection(results);
  queriesSection(results);
  targetsSection(results);
}
