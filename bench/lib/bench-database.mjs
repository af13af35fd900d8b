/**
 * A throwaway PostgreSQL database for the ledger bench: CREATE DATABASE nexus_bench_<random> on the
 * local server, DROP … WITH (FORCE) at the end (also on errors and signals, via onAsyncCleanup).
 * BENCH_PG_URL overrides the admin connection (default: postgres:postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { URL } from 'node:url';
import pg from 'pg';
import { onAsyncCleanup } from './children.mjs';

const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** Runs one statement on a short-lived admin connection. */
async function adminQuery(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Where the server is, for messages (never the password). */
function describe(url) {
  return `${url.hostname}:${url.port || '5432'}`;
}

/**
 * Creates the database; resolves `{ name, url, where, drop }` (`drop()` is idempotent and also runs
 * at shutdown), or `{ error }` when the server cannot be reached.
 */
export async function createBenchDatabase() {
  const adminUrl = new URL(process.env.BENCH_PG_URL ?? DEFAULT_ADMIN_URL);
  const name = `nexus_bench_${randomBytes(5).toString('hex')}`;
  try {
    await adminQuery(adminUrl.href, `CREATE DATABASE ${name}`);
  } catch (error) {
    return { error: `cannot create a database on ${describe(adminUrl)}: ${error instanceof Error ? error.message : String(error)}` };
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminQuery(adminUrl.href, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  onAsyncCleanup(drop);
  const url = new URL(adminUrl.href);
  url.pathname = `/${name}`;
  return { name, url: url.href, where: `${describe(adminUrl)}/${name}`, drop };
}
