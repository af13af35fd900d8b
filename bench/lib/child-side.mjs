/**
 * What every bench child process shares: listen on 127.0.0.1 port 0, tell the parent the port over
 * IPC, answer memory questions (RSS now, peak RSS sampled every 50 ms), CPU-time questions,
 * event-loop stall questions and vitals questions (heap, active resources; for the soak bench), and
 * exit with the parent.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';

const SAMPLE_EVERY_MS = 50;

/** Peak RSS sampled on a timer; `reset()` starts a new window at the current RSS. */
function createRssSampler() {
  let peak = process.memoryUsage.rss();
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
    return rss;
  };
  setInterval(sample, SAMPLE_EVERY_MS).unref();
  return {
    read() {
      const rss = sample();
      return { rss, peakRss: peak, maxRss: process.resourceUsage().maxRSS * 1024 };
    },
    reset() {
      peak = process.memoryUsage.rss();
    },
  };
}

/** Answers `{type:'memory', id, resetPeak}` with `{type:'memory', id, rss, peakRss, maxRss}` (bytes). */
function answerMemoryRequests(sampler) {
  process.on('message', (message) => {
    if (message?.type !== 'memory') return;
    const reading = sampler.read();
    if (message.resetPeak === true) sampler.reset();
    process.send?.({ type: 'memory', id: message.id, ...reading });
  });
}

/** Answers `{type:'cpu', id}` with `{type:'cpu', id, userUs, systemUs}`: this process's CPU time so far. */
function answerCpuRequests() {
  process.on('message', (message) => {
    if (message?.type !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', id: message.id, userUs: user, systemUs: system });
  });
}

/**
 * Answers `{type:'loop', id, reset}` with `{type:'loop', id, p99Ms, maxMs}`: how late the event loop
 * turned (sampled every 1 ms) since the last reset. A long synchronous task, such as a statement of
 * an embedded database run on this thread, shows here as a stall every request in flight waited out.
 */
function answerLoopDelayRequests() {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  process.on('message', (message) => {
    if (message?.type !== 'loop') return;
    const reading = { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
    if (message.reset === true) histogram.reset();
    process.send?.({ type: 'loop', id: message.id, ...reading });
  });
}

/**
 * Answers `{type:'vitals', id}` with `{type:'vitals', id, rss, heapUsed, heapTotal, external,
 * arrayBuffers, resources}`: bytes, and the number of active libuv resources (sockets, timers, …).
 */
function answerVitalsRequests() {
  process.on('message', (message) => {
    if (message?.type !== 'vitals') return;
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const resources = process.getActiveResourcesInfo().length;
    process.send?.({ type: 'vitals', id: message.id, rss, heapUsed, heapTotal, external, arrayBuffers, resources });
  });
}

/** Starts `server` on an ephemeral port and reports `{type:'ready', port}` to the parent. */
export function serveChild(server) {
  if (process.send === undefined) {
    process.stderr.write('This file is a child of bench/proxy-overhead.mjs; run `npm run bench`.\n');
    process.exit(2);
  }
  // No parent, no purpose: also covers a parent killed with SIGKILL.
  process.on('disconnect', () => process.exit(0));
  // A clean exit on SIGTERM lets `--cpu-prof` (see BENCH_EXEC_ARGV) write its profile.
  process.on('SIGTERM', () => process.exit(0));
  answerMemoryRequests(createRssSampler());
  answerCpuRequests();
  answerVitalsRequests();
  answerLoopDelayRequests();
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: server.address().port });
  });
}
