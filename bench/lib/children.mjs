/**
 * Parent side of the bench's child processes: fork one, wait for its port, ask for its memory, and
 * make sure every child dies with the parent (normal exit, error, SIGINT/SIGTERM). Cleanups that
 * need I/O (closing and dropping a database) are registered with onAsyncCleanup and run by
 * shutDown(), which stops the children (waiting for them to exit) first.
 */
import { fork } from 'node:child_process';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, URL } from 'node:url';

const READY_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 5_000;
const EXIT_TIMEOUT_MS = 5_000;
const ASYNC_CLEANUP_TIMEOUT_MS = 15_000;
const running = new Set();
const cleanups = [];
const asyncCleanups = [];

/** Runs `fn` (sync) at exit, after the children are killed; e.g. removing a temp folder. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/**
 * Runs `fn` (async) in shutDown(), after the children exited and before the sync cleanups; the last
 * registered runs first. Returns a function that unregisters it (once the caller cleaned up itself).
 */
export function onAsyncCleanup(fn) {
  asyncCleanups.push(fn);
  return () => {
    const at = asyncCleanups.indexOf(fn);
    if (at >= 0) asyncCleanups.splice(at, 1);
  };
}

function runSyncCleanups() {
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {
      // Best effort: cleanup must not hide the error that brought us here.
    }
  }
}

function cleanUp() {
  for (const child of running) child.kill('SIGTERM');
  running.clear();
  runSyncCleanups();
}

/** Resolves once `child` exited; SIGKILL after EXIT_TIMEOUT_MS of SIGTERM. */
function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Stops one child started by startChild (SIGTERM, then SIGKILL) and waits for it to exit. */
export async function stopChild(handle) {
  const child = [...running].find((c) => c.pid === handle.pid);
  if (child === undefined) return;
  const done = exited(child);
  child.kill('SIGTERM');
  await done;
  running.delete(child);
}

let shuttingDown = null;
let interrupted = false;

/** True once a signal started the shutdown: errors after that are the children going away. */
export function wasInterrupted() {
  return interrupted;
}

/**
 * Every way out, with I/O: stops the children and waits for them, runs the async cleanups (each
 * bounded by time), then the sync ones. Every call returns the same promise.
 */
export function shutDown() {
  shuttingDown ??= runShutDown();
  return shuttingDown;
}

async function runShutDown() {
  const children = [...running];
  const gone = children.map(exited);
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(gone);
  running.clear();
  for (const fn of asyncCleanups.splice(0).reverse()) {
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(resolve, ASYNC_CLEANUP_TIMEOUT_MS);
    });
    try {
      await Promise.race([fn(), timeout]);
    } catch (error) {
      process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      clearTimeout(timer);
    }
  }
  runSyncCleanups();
}

/** Kills the children on every way out of the parent process (and runs async cleanups on signals and crashes). */
export function installCleanup() {
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping the bench children\n`);
      void shutDown().finally(() => process.exit(130));
    });
  }
  // A crash outside the awaited flow still stops the children and runs the async cleanups.
  for (const event of ['uncaughtException', 'unhandledRejection']) {
    process.once(event, (error) => {
      process.stderr.write(`bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      void shutDown().finally(() => process.exit(1));
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

/** The parent's environment with `overrides` applied; an `undefined` value removes the variable. */
function childEnv(overrides) {
  const merged = Object.entries({ ...process.env, ...overrides });
  return Object.fromEntries(merged.filter(([, value]) => value !== undefined));
}

/**
 * Forks `bench/<file>` with `args` (and `env` overrides); resolves once it listens. Its stdout and
 * stderr go to our stderr so `--json` output on stdout stays clean.
 */
export async function startChild(name, file, args = [], { env = {} } = {}) {
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  // BENCH_EXEC_ARGV passes Node flags to every child, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const execArgv = (process.env.BENCH_EXEC_ARGV ?? '').split(' ').filter(Boolean);
  const child = fork(path, args, { stdio: ['ignore', 2, 2, 'ipc'], execArgv, env: childEnv(env) });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const { port } = await waitForMessage(child, (m) => m?.type === 'ready', READY_TIMEOUT_MS, `starting ${name}`);
  let nextId = 0;
  /** Sends `{type, id, ...payload}` and resolves with the child's `{type, id, …}` answer. */
  const ask = (type, payload = {}, timeoutMs = REPLY_TIMEOUT_MS) => {
    const id = ++nextId;
    if (!child.connected) return Promise.reject(new Error(`${type} of ${name}: child is gone`));
    const reply = waitForMessage(child, (m) => m?.type === type && m.id === id, timeoutMs, `${type} of ${name}`);
    // With a callback, a failed send is reported there instead of as an 'error' event on the child.
    const sent = new Promise((resolve, reject) => {
      child.send({ type, id, ...payload }, (error) => (error ? reject(error) : resolve()));
    });
    return Promise.all([reply, sent]).then(([answer]) => answer);
  };
  return {
    name,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    port,
    /** `{ rss, peakRss, maxRss }` in bytes; `resetPeak` starts a new peak window after this reading. */
    memory({ resetPeak = false } = {}) {
      return ask('memory', { resetPeak });
    },
    /** CPU time (user + system) the child used so far, in microseconds. */
    async cpuUs() {
      const { userUs, systemUs } = await ask('cpu');
      return userUs + systemUs;
    },
    ask,
  };
}

/**
 * A bench's entry point: parses its options (a bad one prints the message and usage, exit 2),
 * answers --help, then runs with cleanup installed and always shut down; a failure exits 1, an
 * interrupt is left to the signal handler.
 */
export function runBench({ parseOptions, usage, run }) {
  const main = async () => {
    let options;
    try {
      options = parseOptions();
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
      process.exitCode = 2;
      return;
    }
    if (options.help) {
      process.stdout.write(`${usage}\n`);
      return;
    }
    installCleanup();
    try {
      await run(options);
    } finally {
      await shutDown();
    }
  };
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error) => {
      // Interrupted: the signal handler finishes the cleanup and exits; the error is the children going away.
      if (wasInterrupted()) return;
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
