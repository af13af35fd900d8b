/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a folder, so a first run
 * needs nothing installed. It runs on its own worker thread (pglite-worker.mjs): its statements
 * execute synchronously, and on the proxy's thread a batch of usage records or a dashboard query
 * would stall every request in flight. Started lazily: PostgreSQL users never load it.
 */
import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database, Queryable, Row } from './database.js';

type Request =
  | { op: 'query'; sql: string; params: readonly unknown[]; tx?: number }
  | { op: 'exec'; sql: string }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

interface Answer {
  id: number;
  rows?: Row[];
  tx?: number;
  error?: Record<string, string | number> & { message: string };
}

interface Waiting {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
}

/** `dataDir` of undefined keeps everything in memory (tests). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION'))) {
    // Creating the database (initdb) grows PGlite's memory by ~400 MB it never gives back: a
    // thread of its own does the creating and returns all of it when it ends (measured: the
    // first start's RSS 820 → 420 MB, as much as any later start).
    const creator = await startWorker(dataDir);
    await creator.close();
  }
  return startWorker(dataDir);
}

async function startWorker(dataDir: string | undefined): Promise<Database> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
  const waiting = new Map<number, Waiting>();
  let lastId = 0;
  let stopped: Error | null = null;

  const stop = (error: Error): void => {
    stopped ??= error;
    for (const { reject } of waiting.values()) reject(stopped);
    waiting.clear();
  };
  worker.on('error', (error) => {
    stop(new Error(`the embedded database stopped: ${error.message}`));
  });
  worker.on('exit', () => {
    stop(new Error('the embedded database is closed'));
  });

  await new Promise<void>((resolve, reject) => {
    const onReady = (message: { ready?: boolean }): void => {
      if (message.ready !== true) return;
      worker.off('message', onReady);
      worker.off('error', reject);
      resolve();
    };
    worker.on('message', onReady);
    worker.once('error', reject);
  });
  worker.on('message', (answer: Answer) => {
    const caller = waiting.get(answer.id);
    if (caller === undefined) return;
    waiting.delete(answer.id);
    // An idle worker must not keep a finished CLI command alive; a busy one must.
    if (waiting.size === 0) worker.unref();
    caller.resolve(answer);
  });
  worker.unref();

  const send = async (request: Request): Promise<Answer> => {
    if (stopped !== null) throw stopped;
    const id = ++lastId;
    const answer = await new Promise<Answer>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, ...request });
    });
    if (answer.error !== undefined) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer;
  };

  const runIn = (tx: number | undefined): Queryable => ({
    async query<T extends Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const { rows = [] } = await send(tx === undefined ? { op: 'query', sql, params } : { op: 'query', sql, params, tx });
      return rows.map(withBuffers) as T[];
    },
  });

  return {
    kind: 'pglite',
    ...runIn(undefined),
    async exec(sql) {
      await send({ op: 'exec', sql });
    },
    // PGlite runs one statement at a time: while a transaction is open, other statements wait for it.
    async transaction(work) {
      const { tx } = await send({ op: 'begin' });
      if (tx === undefined) throw new Error('the embedded database opened no transaction');
      let result;
      try {
        result = await work(runIn(tx));
      } catch (error) {
        await send({ op: 'end', tx, commit: false });
        throw error;
      }
      await send({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (stopped !== null) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      await send({ op: 'close' });
      // Whoever awaits close() goes on after it: the process must not end first.
      worker.ref();
      await exited;
    },
  };
}

/** bytea values cross the thread as plain Uint8Arrays; callers get Buffers, as from PostgreSQL. */
function withBuffers(row: Row): Row {
  for (const [column, value] of Object.entries(row)) {
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[column] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return row;
}
