/** Prints the bench's results as readable tables (stdout), or as one JSON document with `--json`. */
import process from 'node:process';
import { MB } from './constants.mjs';

const out = (line = '') => process.stdout.write(`${line}\n`);

const fixed = (digits) => (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
const ms = fixed(2);
const int = fixed(0);
const mb = (bytes) => (bytes === null || bytes === undefined ? '—' : (bytes / MB).toFixed(1));
const signed = (v) => (v === null || v === undefined ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`);
const percent = (ratio) => (ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(0)}%`);

/** Left-aligns the first `left` columns (labels), right-aligns the others (figures); indented. */
function table(headers, rows, left = 1) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const cell = (c, i) => (i < left ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]));
  const line = (cells) => `  ${cells.map(cell).join('  ')}`.trimEnd();
  out(line(headers));
  for (const row of rows) out(line(row));
}

function header({ meta }) {
  out('Claude Nexus proxy overhead benchmark (treat as relative: machine-dependent)');
  out(`node ${meta.node}, ${meta.platform}, ${meta.cpus} CPU(s) (${meta.cpuModel}); ${meta.quick ? 'quick' : 'full'} run, ${meta.seconds.toFixed(0)} s`);
  out('upstream, pipe proxy and nexus each run in their own process; the load generator runs in this one.');
  out('latency = request start to last body byte; first byte = to the first body byte (event); MB = 2^20 bytes.');
  out('run order: c, d (memory, on fresh processes), then a, b.');
}

function nonStreamingSection({ nonStreaming, overhead, meta }, labels) {
  const { warmup, measure } = meta.plan.nonStreaming;
  out();
  out(`a) Non-streaming POST /v1/messages (~1 KB JSON answer); warm-up ${warmup.maxMs / 1000} s, then up to ${measure.maxMs / 1000} s or ${measure.maxCount} requests per row`);
  table(
    ['concurrency', 'target', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'errors'],
    nonStreaming.map((r) => [r.concurrency, labels[r.target], int(r.rps), ms(r.p50), ms(r.p99), r.requests, r.errors]),
    2,
  );
  out();
  out('  nexus against direct (latency) and against the pipe proxy (throughput):');
  table(
    ['concurrency', 'target', 'added p50 ms', 'added p99 ms', 'req/s vs pipe'],
    overhead.map((o) => [o.concurrency, labels[o.target], signed(o.addedP50), signed(o.addedP99), percent(o.rpsVsPipe)]),
    2,
  );
}

function streamingSection({ streaming, streamingOverhead, meta }, labels) {
  const { concurrency, stream } = meta.plan.streaming;
  out();
  out(`b) Streaming POST /v1/messages: ${stream.events} events ${stream.delayMs} ms apart, concurrency ${concurrency}`);
  table(
    ['target', 'streams/s', 'first byte p50 ms', 'first byte p99 ms', 'whole stream p50 ms', 'errors'],
    streaming.map((r) => [labels[r.target], int(r.rps), ms(r.ttfbP50), ms(r.ttfbP99), ms(r.p50), r.errors]),
  );
  out(`  nexus adds to the first byte: p50 ${signed(streamingOverhead.addedFirstByteP50)} ms, p99 ${signed(streamingOverhead.addedFirstByteP99)} ms`);
}

function heldSection({ heldStreams, meta }, labels) {
  const { streams, stream, rounds } = meta.plan.held;
  out();
  out(`c) ${streams} streams held open at once (${stream.events} events ${stream.delayMs} ms apart), up to ${rounds} round(s); RSS of the proxy process`);
  table(
    ['target', 'completed', 'errors', 'slowest round s', 'RSS before MB', 'peak RSS MB', 'peak − before MB', 'RSS after MB'],
    heldStreams.map((r) => [
      labels[r.target],
      r.completed,
      r.errors,
      (Math.max(...r.roundMs) / 1000).toFixed(2),
      mb(r.rssBefore),
      mb(r.peakRss),
      `+${mb(r.peakRss - r.rssBefore)}`,
      mb(r.rssAfter),
    ]),
  );
}

function largeSection({ largeStream, meta }, labels) {
  out();
  out(`d) One ${Math.round(meta.plan.large.bytes / MB)} MB streaming response, read as fast as the client can; RSS of the proxy process`);
  table(
    ['target', 'received MB', 'MB/s', 'RSS start MB', 'peak 1st half MB', 'peak 2nd half MB', 'RSS end MB', 'peak − start MB', 'ok'],
    largeStream.map((r) => [
      labels[r.target],
      mb(r.bytes),
      fixed(0)(r.mbPerSec),
      mb(r.rssStart),
      mb(r.peakFirstHalf),
      mb(r.peakSecondHalf),
      mb(r.rssEnd),
      r.peakRss === null ? '—' : `+${mb(r.peakRss - r.rssStart)}`,
      r.ok ? 'yes' : 'NO',
    ]),
  );
  out('  flat = the 2nd half of the stream needs no more memory than the 1st (memory does not grow with bytes streamed).');
}

function targetsSection({ checks }) {
  out();
  out('Targets (for reference only; nothing is asserted)');
  const value = (c) => (c.value === null ? '—' : `${c.unit === '%' ? c.value.toFixed(0) : c.value.toFixed(2)}${c.unit}`);
  const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'met' : 'MISSED');
  table(['figure', 'measured', 'target', ''], checks.map((c) => [c.figure, value(c), c.target, verdict(c.ok)]));
}

export function printReport(results, labels, { json }) {
  if (json) {
    out(JSON.stringify({ ...results, labels }, null, 2));
    return;
  }
  header(results);
  nonStreamingSection(results, labels);
  streamingSection(results, labels);
  heldSection(results, labels);
  largeSection(results, labels);
  targetsSection(results);
}
