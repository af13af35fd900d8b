/**
 * The soak bench's mixed traffic. Open loop: requests start at a fixed rate whatever the proxy's
 * speed (a slower proxy shows as more in flight, or as requests skipped at the in-flight cap), in a
 * fixed pattern: every other one non-streaming, the rest streaming, and one streaming request in five
 * aborted by the client after the first body chunk. Beside them, a few slow clients read large streams
 * at a fixed byte rate, one after the other. Each kind sends its own user agent so the ledger can be
 * counted per kind. Every request is bounded by the load generator's timeouts.
 */
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { messagesRequest, openPool, timedRequest } from './load.mjs';

const TICK_MS = 10;
const ABORT_EVERY = 5;

/** The four kinds of request, with the user agent the ledger is counted by. */
export const KINDS = Object.freeze({
  plain: { label: 'non-streaming', agent: 'claude-nexus-bench/soak plain' },
  stream: { label: 'streaming', agent: 'claude-nexus-bench/soak stream' },
  abort: { label: 'streaming, aborted by the client', agent: 'claude-nexus-bench/soak abort' },
  slow: { label: 'streaming, slow reader', agent: 'claude-nexus-bench/soak slow' },
});

function newCounters() {
  return Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, { sent: 0, completed: 0, aborted: 0, errors: 0 }]));
}

/** Reads one chunk of the answer, then destroys the body: the client goes away mid-stream. */
async function abortAfterFirstChunk(pool, options) {
  const { statusCode, body } = await pool.request(options);
  let sawChunk = false;
  for await (const chunk of body) {
    sawChunk = chunk.length > 0;
    break;
  }
  body.destroy();
  return statusCode === 200 && sawChunk;
}

/** Reads the whole answer at no more than `bytesPerSecond`, pausing after each chunk (back-pressure). */
async function readSlowly(pool, options, bytesPerSecond) {
  const { statusCode, body } = await pool.request(options);
  for await (const chunk of body) await sleep((chunk.length / bytesPerSecond) * 1000);
  return statusCode === 200;
}

/**
 * Creates the traffic against `target` (`{ url, headers }`); nothing is sent before start().
 * Options: `rate` (requests/s, open loop), `maxInFlight`, `stream` ({events, delayMs}),
 * `slow` ({clients, bytes, bytesPerSecond}).
 */
export function createSoakTraffic(target, { rate, maxInFlight, stream, slow }) {
  const counters = newCounters();
  const errorKinds = new Map();
  const latencies = [];
  const withAgent = (kind, knobs) => messagesRequest({ headers: { ...target.headers, 'user-agent': KINDS[kind].agent } }, knobs);
  const requests = {
    plain: withAgent('plain', undefined),
    stream: withAgent('stream', stream),
    abort: withAgent('abort', stream),
    slow: withAgent('slow', { bytes: slow.bytes }),
  };
  const pool = openPool(target, maxInFlight);
  const slowPool = openPool(target, Math.max(1, slow.clients));
  const inFlight = new Set();
  let launched = 0;
  let skipped = 0;
  let streams = 0;
  let timer = null;
  let stopping = false;
  let slowLoops = [];

  const noteError = (kind, what) => {
    counters[kind].errors += 1;
    const key = `${kind}: ${what}`;
    errorKinds.set(key, (errorKinds.get(key) ?? 0) + 1);
  };

  const send = async (kind) => {
    const c = counters[kind];
    c.sent += 1;
    try {
      if (kind === 'abort') {
        if (await abortAfterFirstChunk(pool, requests.abort)) c.aborted += 1;
        else noteError(kind, 'no 200 or no first chunk');
      } else if (kind === 'slow') {
        if (await readSlowly(slowPool, requests.slow, slow.bytesPerSecond)) c.completed += 1;
        else noteError(kind, 'status not 200');
      } else {
        const r = await timedRequest(pool, requests[kind]);
        if (!r.ok) noteError(kind, 'status not 200');
        else {
          c.completed += 1;
          if (kind === 'plain') latencies.push(r.latencyMs);
        }
      }
    } catch (error) {
      noteError(kind, error instanceof Error ? (error.code ?? error.message) : String(error));
    }
  };

  /** The next kind in the fixed pattern: plain, stream, plain, stream, … with every 5th stream aborted. */
  const nextKind = () => {
    if (launched % 2 === 0) return 'plain';
    streams += 1;
    return streams % ABORT_EVERY === 0 ? 'abort' : 'stream';
  };

  const tick = (startedAt) => {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * rate);
    while (launched < due) {
      const kind = nextKind();
      launched += 1;
      if (inFlight.size >= maxInFlight) {
        skipped += 1;
        continue;
      }
      const request = send(kind).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  };

  const slowLoop = async () => {
    while (!stopping) await send('slow');
  };

  return {
    counters,
    errorKinds,
    start() {
      const startedAt = performance.now();
      timer = setInterval(() => tick(startedAt), TICK_MS);
      slowLoops = Array.from({ length: slow.clients }, slowLoop);
    },
    /** Requests in flight now (slow clients included). */
    inFlight: () => inFlight.size + slowLoops.length,
    skipped: () => skipped,
    /** Latencies (ms) of the non-streaming requests completed since the last call. */
    takeLatencies: () => latencies.splice(0),
    /** Stops starting requests, waits for those in flight (each bounded by its timeouts), closes the pools. */
    async stop() {
      stopping = true;
      if (timer !== null) clearInterval(timer);
      await Promise.all([...inFlight, ...slowLoops]);
      slowLoops = [];
      await Promise.all([pool.close(), slowPool.close()]);
    },
  };
}
