/**
 * Proxy overhead benchmark: `npm run bench` (builds, then runs this file). Prints figures, asserts nothing.
 *
 * One fake upstream (bench/upstream.mjs) reached three ways: directly, through a minimal node:http
 * pipe proxy (bench/pipe-proxy.mjs) and through Claude Nexus built from dist/ (bench/nexus-child.mjs),
 * both in passthrough and with a managed api_key domain. Each server runs in its own child process;
 * this process is the load generator (undici, keep-alive, fixed concurrency, 127.0.0.1 only).
 *
 * Flags: --quick (or BENCH_QUICK=1) for a short run, --json for machine-readable output, --help.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { installCleanup, onCleanup, startChild } from './lib/children.mjs';
import { CLIENT_API_KEY, MANAGED_HOST, MB, UPSTREAM_API_KEY } from './lib/constants.mjs';
import { nonStreamingOverhead, streamingOverhead, targetChecks } from './lib/figures.mjs';
import { messagesRequest, openPool, timedRequest } from './lib/load.mjs';
import { printReport } from './lib/report.mjs';
import { heldStreams, largeStreams, nonStreaming, streamingFirstByte } from './lib/scenarios.mjs';

const USAGE = `Usage: node bench/proxy-overhead.mjs [--quick] [--json]
  --quick   short run (also BENCH_QUICK=1)
  --json    print one JSON document instead of tables (progress still goes to stderr)`;

const LABELS = Object.freeze({ direct: 'direct', pipe: 'pipe proxy', nexus: 'nexus passthrough', 'nexus-managed': 'nexus managed key' });

/** How long and how hard each scenario runs; `quick` shortens every phase. */
function makePlan(quick) {
  const phase = (maxMs, maxCount) => ({ maxMs: quick ? Math.min(maxMs, 1500) : maxMs, maxCount });
  return {
    nonStreaming: { concurrencies: [1, 32], warmup: phase(1000, 5000), measure: phase(5000, 100_000) },
    streaming: { concurrency: 8, stream: { events: 10, delayMs: 5 }, warmup: phase(1000, 500), measure: phase(4000, 10_000) },
    held: { streams: 200, stream: { events: 20, delayMs: 50 }, rounds: quick ? 1 : 3, maxMs: 20_000 },
    large: { bytes: (quick ? 20 : 50) * MB, warmupBytes: 2 * MB },
  };
}

function parseOptions() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } } });
  return { quick: values.quick === true || process.env.BENCH_QUICK === '1', json: values.json === true, help: values.help === true };
}

const progress = (line) => process.stderr.write(`  … ${line}\n`);

/** A temporary CREDENTIALS_DIR holding one api_key domain, removed at exit. */
function makeCredentialsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-creds-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, `${MANAGED_HOST}.credentials.json`);
  const content = { type: 'api_key', api_key: UPSTREAM_API_KEY, client_api_key: CLIENT_API_KEY, accountId: 'bench' };
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return dir;
}

/** The same upstream reached four ways; `headers` are what a client of that target sends. */
function makeTargets({ upstream, pipe, nexus }) {
  const passthrough = { 'x-api-key': UPSTREAM_API_KEY };
  const target = (key, url, headers) => ({ key, label: LABELS[key], url, headers });
  return {
    direct: target('direct', upstream.url, passthrough),
    pipe: target('pipe', pipe.url, passthrough),
    nexus: target('nexus', nexus.url, passthrough),
    managed: target('nexus-managed', nexus.url, { 'x-api-key': CLIENT_API_KEY, host: MANAGED_HOST }),
  };
}

/** One request per target before measuring: a wiring mistake stops the bench instead of skewing it. */
async function checkWiring(targets) {
  for (const target of Object.values(targets)) {
    const pool = openPool(target, 1);
    try {
      const r = await timedRequest(pool, messagesRequest(target));
      if (!r.ok) throw new Error(`${target.label}: POST /v1/messages did not answer 200; check the bench wiring`);
    } finally {
      await pool.close();
    }
  }
}

async function startChildren() {
  const credentialsDir = makeCredentialsDir();
  const upstream = await startChild('upstream', 'upstream.mjs');
  const [pipe, nexus] = await Promise.all([
    startChild('pipe proxy', 'pipe-proxy.mjs', [upstream.url]),
    startChild('nexus', 'nexus-child.mjs', [upstream.url, credentialsDir]),
  ]);
  return { upstream, pipe, nexus };
}

/**
 * The memory scenarios (c, d) run first, while the proxies' heaps are not yet grown by 100k requests
 * of load: their RSS figures are then about the streams, and repeatable from run to run.
 */
async function runScenarios(targets, children, plan) {
  const { direct, pipe, nexus, managed } = targets;
  const held = [await heldStreams(nexus, children.nexus, plan.held, progress), await heldStreams(pipe, children.pipe, plan.held, progress)];
  const large = await largeStreams(
    [{ target: direct }, { target: pipe, child: children.pipe }, { target: nexus, child: children.nexus }],
    plan.large,
    progress,
  );
  const nonStreamingRows = await nonStreaming([direct, pipe, nexus, managed], plan.nonStreaming, progress);
  const streamingRows = await streamingFirstByte([direct, pipe, nexus], plan.streaming, progress);
  return {
    nonStreaming: nonStreamingRows,
    overhead: nonStreamingOverhead(nonStreamingRows),
    streaming: streamingRows,
    streamingOverhead: streamingOverhead(streamingRows),
    heldStreams: held,
    largeStream: large,
  };
}

async function main() {
  const options = parseOptions();
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  installCleanup();
  const started = performance.now();
  const plan = makePlan(options.quick);
  progress('starting upstream, pipe proxy and nexus child processes');
  const children = await startChildren();
  const targets = makeTargets(children);
  await checkWiring(targets);
  const results = await runScenarios(targets, children, plan);
  const cpu = cpus();
  results.meta = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    quick: options.quick,
    seconds: (performance.now() - started) / 1000,
    plan,
  };
  results.checks = targetChecks(results, LABELS);
  printReport(results, LABELS, options);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
