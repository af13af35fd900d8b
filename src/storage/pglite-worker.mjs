/**
 * The embedded database's own thread. PGlite is PostgreSQL compiled to WebAssembly: every statement
 * runs synchronously on the thread that owns it, so on the proxy's thread a batch of usage records
 * or a dashboard query would hold up every request meanwhile. Here it holds up nobody.
 * Plain JavaScript because the tests run the TypeScript sources, and a worker is started from a file
 * Node runs as is. Spoken to by pglite-database.ts:
 *   { id, op: 'query', sql, params, tx? } → { id, rows }
 *   { id, op: 'exec', sql }               → { id }
 *   { id, op: 'begin' }                   → { id, tx }   (statements with that tx run inside it)
 *   { id, op: 'end', tx, commit }         → { id }       (COMMIT, or ROLLBACK when commit is false)
 *   { id, op: 'close' }                   → { id }, then the thread ends
 * and any of them → { id, error: { message, code, … } } when the database refuses.
 */
import { Buffer } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const INT8 = 20;
const NUMERIC = 1700;
const BYTEA = 17;
const ROLLBACK = Symbol('rollback');

/** Values as the server-side pg driver gives them: int8 as number, numeric as exact text, bytea as bytes. */
const db = await PGlite.create(workerData.dataDir ?? undefined, {
  parsers: {
    [INT8]: (value) => Number(value),
    [NUMERIC]: (value) => value,
    [BYTEA]: (value) => Buffer.from(value.slice(2), 'hex'),
  },
});

/** Open transactions by id: the client PGlite handed to the callback, and how to end it. */
const transactions = new Map();
let lastTransaction = 0;

/** An error as plain data: structured cloning would keep only its message. */
function serializeError(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  return fields;
}

function reply(id, answer) {
  parentPort.postMessage({ id, ...answer });
}

/** Opens a transaction that stays open, across messages, until 'end'. */
function begin(id) {
  const tx = ++lastTransaction;
  const open = { client: null, commit: null, rollback: null, outcome: null };
  open.outcome = db.transaction(
    (client) =>
      new Promise((resolve, reject) => {
        Object.assign(open, { client, commit: resolve, rollback: () => { reject(ROLLBACK); } });
        transactions.set(tx, open);
        reply(id, { tx });
      }),
  );
  // BEGIN itself failed: the caller is still waiting for its answer. (Otherwise 'end' reports.)
  open.outcome.catch((error) => {
    if (open.client === null) reply(id, { error: serializeError(error) });
  });
}

async function end(id, tx, commit) {
  const open = transactions.get(tx);
  if (open === undefined) throw new Error(`no open transaction ${String(tx)}`);
  transactions.delete(tx);
  if (commit) open.commit();
  else open.rollback();
  try {
    await open.outcome;
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  reply(id, {});
}

async function handle(message) {
  const { id, op } = message;
  try {
    switch (op) {
      case 'query': {
        const client = message.tx === undefined ? db : transactions.get(message.tx)?.client;
        if (client === undefined) throw new Error(`no open transaction ${String(message.tx)}`);
        const result = await client.query(message.sql, message.params);
        reply(id, { rows: result.rows });
        return;
      }
      case 'exec':
        await db.exec(message.sql);
        reply(id, {});
        return;
      case 'begin':
        begin(id);
        return;
      case 'end':
        await end(id, message.tx, message.commit);
        return;
      case 'close':
        await db.close();
        reply(id, {});
        parentPort.close();
        return;
      default:
        throw new Error(`unknown operation ${String(op)}`);
    }
  } catch (error) {
    reply(id, { error: serializeError(error) });
  }
}

parentPort.on('message', (message) => {
  void handle(message);
});
parentPort.postMessage({ ready: true });
