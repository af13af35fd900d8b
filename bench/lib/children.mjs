/**
 * Parent side of the bench's child processes: fork one, wait for its port, ask for its memory, and
 * make sure every child dies with the parent (normal exit, error, SIGINT/SIGTERM).
 */
import { fork } from 'node:child_process';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';

const READY_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 5_000;
const running = new Set();
const cleanups = [];

/** Runs `fn` (sync) at exit, after the children are killed; e.g. removing a temp folder. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

function cleanUp() {
  for (const child of running) child.kill('SIGTERM');
  running.clear();
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {
      // Best effort: cleanup must not hide the error that brought us here.
    }
  }
}

/** Kills the children on every way out of the parent process. */
export function installCleanup() {
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the bench children\n`);
      cleanUp();
      process.exit(130);
    });
  }
}

/** Waits for a message matching `predicate`, failing on timeout or the child's exit. */
function waitForMessage(child, predicate, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const done = (settle, value) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      settle(value);
    };
    const onMessage = (message) => {
      if (predicate(message)) done(resolve, message);
    };
    const onExit = (code, signal) => done(reject, new Error(`${what}: child exited (${signal ?? code})`));
    const timer = setTimeout(() => done(reject, new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Forks `bench/<file>` with `args`; resolves once it listens. Its stdout and stderr go to our stderr
 * so `--json` output on stdout stays clean.
 */
export async function startChild(name, file, args = []) {
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  // BENCH_EXEC_ARGV passes Node flags to every child, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const execArgv = (process.env.BENCH_EXEC_ARGV ?? '').split(' ').filter(Boolean);
  const child = fork(path, args, { stdio: ['ignore', 2, 2, 'ipc'], execArgv });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const { port } = await waitForMessage(child, (m) => m?.type === 'ready', READY_TIMEOUT_MS, `starting ${name}`);
  let nextId = 0;
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    port,
    /** `{ rss, peakRss, maxRss }` in bytes; `resetPeak` starts a new peak window after this reading. */
    async memory({ resetPeak = false } = {}) {
      const id = ++nextId;
      const reply = waitForMessage(child, (m) => m?.type === 'memory' && m.id === id, REPLY_TIMEOUT_MS, `memory of ${name}`);
      child.send({ type: 'memory', id, resetPeak });
      return reply;
    },
  };
}
