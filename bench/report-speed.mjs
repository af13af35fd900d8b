/**
 * Report speed: `npm run bench:reports` (builds, then runs this file). Prints figures, asserts
 * nothing; treat them as relative (this machine, its load, its PostgreSQL settings).
 *
 * Generates N requests (default 1,000,000) into a throwaway PostgreSQL database with the ledger
 * bench's bulk loader (INSERT … SELECT generate_series, then the production rebuildRollups), then
 * makes two things look like real traffic: SDK requests without a session id are grouped into
 * conversations of about 20 turns (the loader gives each its own), and the rate-limit snapshots
 * carry the server's 5-hour windows (back-to-back on a 5-hour grid) instead of a random reset each.
 * Then times each report — daily, weekly, monthly, session, blocks — through runReport, the code
 * path of `nexus <report>` (a fresh connection each run, as the command opens one), median of 5,
 * as the table and as --json. Target: under 200 ms each. Then `nexus statusline` the same way
 * (runStatusline: open the source, its one query, close) for the most recent Claude Code session,
 * median of 5, same target. Then the people and projects views: each session belongs to one of 20
 * members (in 4 teams) and one of 12 projects, and the period reports are timed filtered by a member,
 * a team and a project and broken down --by member, team and project.
 *
 * Flags: --records N, --runs N (default 5), --quick (200,000 records), --help.
 * Environment: BENCH_PG_URL (admin URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres).
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { parseReportArgs, runReport } from '../dist/cli/reports/index.js';
import { runStatusline } from '../dist/cli/statusline/index.js';
import { loadConfig } from '../dist/config.js';
import { openDatabase, rebuildRollups } from '../dist/storage/index.js';
import { createBenchDatabase } from './lib/bench-database.mjs';
import { assignPeople, bulkLoad } from './lib/bulk-records.mjs';
import { installCleanup, shutDown } from './lib/children.mjs';

const USAGE = `Usage: node bench/report-speed.mjs [--records N] [--runs N] [--quick]
  --records N   requests generated (default 1000000; --quick 200000)
  --runs N      timed runs per report, the median is printed (default 5)
Environment: BENCH_PG_URL (admin URL of the PostgreSQL server).`;

/** The bench prints with stdout.write: bench scripts are linted without Node's globals. */
const print = (line = '') => process.stdout.write(`${line}\n`);

const REPORTS = ['daily', 'weekly', 'monthly', 'session', 'blocks'];
const TARGET_MS = 200;

function options() {
  const { values } = parseArgs({ options: { records: { type: 'string' }, runs: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean' } } });
  const count = (name, raw, fallback) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number, got "${raw}"`);
    return n;
  };
  return { help: values.help === true, records: count('records', values.records, values.quick === true ? 200_000 : 1_000_000), runs: count('runs', values.runs, 5) };
}

/** SDK conversations of ~50 turns (Claude Code sessions are ~100 requests: bench/lib/bulk-records.mjs), and 5-hour windows as the server announces them. */
async function realistic(db) {
  await assignPeople(db);
  await db.query(
    `WITH n AS (SELECT greatest(count(*) / 50, 1) AS conversations FROM requests WHERE session_id IS NULL)
     UPDATE requests SET conversation_id = 'conv_' || substr(md5(((('x' || substr(md5(id), 1, 8))::bit(32)::int & 2147483647) % (SELECT conversations FROM n))::text), 1, 16)
     WHERE session_id IS NULL`,
  );
  // The per-session roll-up follows the regrouped conversations.
  await rebuildRollups(db, null);
  await db.query(`UPDATE rate_limit_snapshots SET five_hour_reset = to_timestamp((floor(extract(epoch FROM observed_at) / 18000) + 1) * 18000)`);
  await db.query('VACUUM ANALYZE requests');
  await db.query('VACUUM ANALYZE rate_limit_snapshots');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The people and projects views: a report and its flags. */
const PEOPLE_VIEWS = [
  ['daily', ['--member', 'person7@bench.example']],
  ['daily', ['--team', 'team-2']],
  ['monthly', ['--project', 'project-3']],
  ['daily', ['--by', 'member']],
  ['weekly', ['--by', 'team']],
  ['monthly', ['--by', 'project']],
  ['session', ['--member', 'person7@bench.example']],
  ['session', ['--project', 'project-3']],
];

async function timeReport(kind, json, config, runs, extra = []) {
  const args = ['--timezone', 'UTC', ...extra, ...(json ? ['--json'] : [])];
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    const out = await runReport(kind, parseReportArgs(kind, args), { config, terminal: { isTTY: false, columns: 160 }, now: new Date() });
    times.push(performance.now() - t0);
    bytes = out.length;
  }
  return { median: median(times), bytes };
}

async function timeStatusline(config, sessionId, runs) {
  const stdin = JSON.stringify({ session_id: sessionId, model: { id: 'claude-opus-4-5', display_name: 'Opus 4.5' } });
  const times = [];
  let line = '';
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    line = await runStatusline(['--timezone', 'UTC'], stdin, config);
    times.push(performance.now() - t0);
  }
  return { median: median(times), line };
}

async function main() {
  const opts = options();
  if (opts.help) {
    print(USAGE);
    return;
  }
  installCleanup();
  const bench = await createBenchDatabase();
  if (bench.error !== undefined) {
    process.stderr.write(`report-speed: ${bench.error}\n`);
    process.exitCode = 1;
    return;
  }
  print(`Report speed over ${opts.records.toLocaleString('en-US')} requests in PostgreSQL ${bench.where} (treat as relative)`);
  const db = await openDatabase({ databaseUrl: bench.url, dataDir: '/nonexistent' });
  try {
    const load = await bulkLoad(db, { count: opts.records, progress: (m) => process.stderr.write(`\r  generating: ${m}   `) });
    process.stderr.write('\n');
    const t0 = performance.now();
    await realistic(db);
    const [{ sessions }] = await db.query('SELECT count(DISTINCT conversation_id)::int AS sessions FROM requests');
    print(
      `  generated in ${(load.insertMs / 1000).toFixed(1)} s, roll-ups ${(load.rollupMs / 1000).toFixed(1)} s, ` +
        `reshaped in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${sessions.toLocaleString('en-US')} sessions`,
    );
  } finally {
    await db.close();
  }
  const [latest] = await withDatabase(bench.url, (db) => db.query('SELECT session_id FROM requests WHERE session_id IS NOT NULL ORDER BY started_at DESC LIMIT 1'));
  const config = loadConfig({ DATABASE_URL: bench.url }, { envFile: null });
  print(`\n  report     table (median of ${String(opts.runs)})   --json (median)    output     target < ${String(TARGET_MS)} ms`);
  for (const kind of REPORTS) {
    const table = await timeReport(kind, false, config, opts.runs);
    const json = await timeReport(kind, true, config, opts.runs);
    const worst = Math.max(table.median, json.median);
    print(
      `  ${kind.padEnd(9)}  ${table.median.toFixed(0).padStart(8)} ms            ${json.median.toFixed(0).padStart(8)} ms   ` +
        `${(json.bytes / 1024).toFixed(0).padStart(7)} KiB  ${worst < TARGET_MS ? 'met' : 'NOT met'}`,
    );
  }
  const statusline = await timeStatusline(config, latest?.session_id ?? null, opts.runs);
  print(`  statusline ${statusline.median.toFixed(0).padStart(8)} ms            (one query)   ${' '.repeat(11)}${statusline.median < TARGET_MS ? 'met' : 'NOT met'}`);
  print(`             ${statusline.line}`);
  print(`\n  people and projects (20 members in 4 teams, 12 projects)   table (median)   --json (median)   target < ${String(TARGET_MS)} ms`);
  for (const [kind, extra] of PEOPLE_VIEWS) {
    const table = await timeReport(kind, false, config, opts.runs, extra);
    const json = await timeReport(kind, true, config, opts.runs, extra);
    const worst = Math.max(table.median, json.median);
    print(`  ${`${kind} ${extra.join(' ')}`.padEnd(40)} ${table.median.toFixed(0).padStart(8)} ms   ${json.median.toFixed(0).padStart(8)} ms       ${worst < TARGET_MS ? 'met' : 'NOT met'}`);
  }
}

async function withDatabase(url, work) {
  const db = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

try {
  await main();
} finally {
  await shutDown();
}
