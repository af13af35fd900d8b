/**
 * The load generator: keep-alive undici pools at a fixed concurrency, every request timed with
 * process.hrtime.bigint() (latency to the last body byte, and to the first body byte for streams).
 * Every loop is bounded by a request count and by time.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Pool } from 'undici';
import { KNOBS, MB } from './constants.mjs';

const REQUEST_TIMEOUT_MS = 30_000;
const REQUEST_BODY = JSON.stringify({
  model: 'claude-opus-5-5',
  max_tokens: 1024,
  system: 'You are a helpful assistant used by the Claude Nexus proxy benchmark.',
  messages: [{ role: 'user', content: 'Say hello in one short sentence, please. '.repeat(8).trim() }],
});
const STREAM_BODY = JSON.stringify({ ...JSON.parse(REQUEST_BODY), stream: true });

const nsToMs = (ns) => Number(ns) / 1e6;

export function openPool(target, connections) {
  return new Pool(target.url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

/** `POST /v1/messages` as the target expects it; `stream` adds the upstream's stream knobs. */
export function messagesRequest(target, stream) {
  const knobs = {};
  if (stream?.events !== undefined) knobs[KNOBS.events] = String(stream.events);
  if (stream?.delayMs !== undefined) knobs[KNOBS.delayMs] = String(stream.delayMs);
  if (stream?.bytes !== undefined) knobs[KNOBS.bytes] = String(stream.bytes);
  return {
    method: 'POST',
    path: '/v1/messages',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'user-agent': 'claude-nexus-bench/1',
      ...target.headers,
      ...knobs,
    },
    body: stream === undefined ? REQUEST_BODY : STREAM_BODY,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  };
}

/** One request read to its end: `{ ok, latencyMs, ttfbMs, bytes }`; rejects on a transport error. */
export async function timedRequest(pool, options) {
  const start = process.hrtime.bigint();
  const { statusCode, body } = await pool.request(options);
  let first = null;
  let bytes = 0;
  for await (const chunk of body) {
    first ??= process.hrtime.bigint();
    bytes += chunk.length;
  }
  const end = process.hrtime.bigint();
  return { ok: statusCode === 200, latencyMs: nsToMs(end - start), ttfbMs: first === null ? null : nsToMs(first - start), bytes };
}

/**
 * `concurrency` workers sending `options` until `maxCount` requests were started or `maxMs` passed.
 * Only 200 answers are timed; other statuses and transport errors are counted as errors.
 */
export async function runPhase(pool, options, concurrency, { maxCount, maxMs }) {
  const deadline = performance.now() + maxMs;
  const result = { latencies: [], ttfbs: [], errors: 0, bytes: 0, elapsedMs: 0 };
  let started = 0;
  const worker = async () => {
    while (started < maxCount && performance.now() < deadline) {
      started += 1;
      try {
        const r = await timedRequest(pool, options);
        if (!r.ok) {
          result.errors += 1;
          continue;
        }
        result.latencies.push(r.latencyMs);
        if (r.ttfbMs !== null) result.ttfbs.push(r.ttfbMs);
        result.bytes += r.bytes;
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

/** Nearest-rank percentile of `values` (p in 0..1); null when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Warm-up then measured phase on a fresh pool: requests/s, latency and first-byte percentiles. */
export async function measureCell(target, { concurrency, stream, warmup, measure }) {
  const pool = openPool(target, concurrency);
  try {
    const options = messagesRequest(target, stream);
    await runPhase(pool, options, concurrency, warmup);
    const r = await runPhase(pool, options, concurrency, measure);
    return {
      target: target.key,
      concurrency,
      requests: r.latencies.length + r.errors,
      errors: r.errors,
      rps: r.latencies.length / (r.elapsedMs / 1000),
      p50: percentile(r.latencies, 0.5),
      p99: percentile(r.latencies, 0.99),
      ttfbP50: percentile(r.ttfbs, 0.5),
      ttfbP99: percentile(r.ttfbs, 0.99),
      mbPerSec: r.bytes / MB / (r.elapsedMs / 1000),
    };
  } finally {
    await pool.close();
  }
}
