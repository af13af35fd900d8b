/** The bench's four scenarios. Each returns plain figures; printing is report.mjs's job. */
import { performance } from 'node:perf_hooks';
import { MB } from './constants.mjs';
import { measureCell, messagesRequest, openPool, timedRequest } from './load.mjs';

/** a) Non-streaming POST /v1/messages, every target at every concurrency. */
export async function nonStreaming(targets, plan, progress) {
  const rows = [];
  for (const concurrency of plan.concurrencies) {
    for (const target of targets) {
      progress(`a) non-streaming, concurrency ${concurrency}: ${target.label}`);
      rows.push(await measureCell(target, { concurrency, warmup: plan.warmup, measure: plan.measure }));
    }
  }
  return rows;
}

/** b) Streams of a few events a few ms apart: time to the first body byte (the first event). */
export async function streamingFirstByte(targets, plan, progress) {
  const rows = [];
  for (const target of targets) {
    progress(`b) streaming first byte, concurrency ${plan.concurrency}: ${target.label}`);
    rows.push(await measureCell(target, plan));
  }
  return rows;
}

/** Runs `streams` slow streams at once, `rounds` times (or until `maxMs`); counts and times them. */
async function holdStreams(target, plan) {
  const pool = openPool(target, plan.streams);
  const options = messagesRequest(target, plan.stream);
  const deadline = performance.now() + plan.maxMs;
  const outcome = { completed: 0, errors: 0, roundMs: [] };
  try {
    for (let round = 0; round < plan.rounds && performance.now() < deadline; round += 1) {
      const t0 = performance.now();
      const settled = await Promise.allSettled(Array.from({ length: plan.streams }, () => timedRequest(pool, options)));
      outcome.roundMs.push(performance.now() - t0);
      for (const s of settled) {
        if (s.status === 'fulfilled' && s.value.ok) outcome.completed += 1;
        else outcome.errors += 1;
      }
    }
  } finally {
    await pool.close();
  }
  return outcome;
}

/** c) Many concurrent slow streams through a proxy: that proxy process's RSS before and at peak. */
export async function heldStreams(target, child, plan, progress) {
  progress(`c) ${plan.streams} concurrent streams: ${target.label}`);
  const before = await child.memory({ resetPeak: true });
  const outcome = await holdStreams(target, plan);
  const after = await child.memory();
  return {
    target: target.key,
    streams: plan.streams,
    ...outcome,
    rssBefore: before.rss,
    peakRss: after.peakRss,
    rssAfter: after.rss,
  };
}

/**
 * Reads one response to its end; once half of `expectedBytes` arrived, asks `child` for its memory
 * (closing the first-half peak window) without pausing the read.
 */
async function readWithHalfwayReading(pool, options, expectedBytes, child) {
  const { statusCode, body } = await pool.request(options);
  let bytes = 0;
  let halfway = null;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (halfway === null && bytes >= expectedBytes / 2) halfway = child?.memory({ resetPeak: true }) ?? Promise.resolve(undefined);
  }
  return { ok: statusCode === 200, bytes, halfway: await halfway };
}

/** One stream of `bytes` read as fast as the client can; RSS of `child` (when given) around it. */
async function oneLargeStream(target, child, bytes) {
  const pool = openPool(target, 1);
  try {
    const start = await child?.memory({ resetPeak: true });
    const t0 = performance.now();
    const r = await readWithHalfwayReading(pool, messagesRequest(target, { bytes }), bytes, child);
    const seconds = (performance.now() - t0) / 1000;
    const end = await child?.memory();
    return {
      target: target.key,
      ok: r.ok,
      bytes: r.bytes,
      seconds,
      mbPerSec: r.bytes / MB / seconds,
      rssStart: start?.rss ?? null,
      peakFirstHalf: r.halfway?.peakRss ?? null,
      peakSecondHalf: end?.peakRss ?? null,
      peakRss: r.halfway === undefined || end === undefined ? null : Math.max(r.halfway.peakRss, end.peakRss),
      rssEnd: end?.rss ?? null,
    };
  } finally {
    await pool.close();
  }
}

/** d) One large streaming response per target (after a small warm-up stream). */
export async function largeStreams(entries, plan, progress) {
  const rows = [];
  for (const { target, child } of entries) {
    progress(`d) one ${Math.round(plan.bytes / MB)} MB stream: ${target.label}`);
    await oneLargeStream(target, undefined, plan.warmupBytes);
    rows.push(await oneLargeStream(target, child, plan.bytes));
  }
  return rows;
}
