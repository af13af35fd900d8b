/**
 * A throwaway PostgreSQL database for the ledger bench: CREATE DATABASE nexus_bench_<random> on the
 * local server, DROP … WITH (FORCE) at the end (also on errors and signals, via onAsyncCleanup).
 * BENCH_PG_URL overrides the admin connection (default: postgres:postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { URL } from 'node:url';
import postgres from 'postgres';
import { onAsyncCleanup } from './children.mjs';

const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

function adminSql(adminUrl) {
  return postgres(adminUrl, { max: 1, connect_timeout: 5, idle_timeout: 5, onnotice: () => undefined });
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
  const admin = adminSql(adminUrl.href);
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    return { error: `cannot create a database on ${describe(adminUrl)}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await admin.end({ timeout: 5 });
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    const sql = adminSql(adminUrl.href);
    try {
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await sql.end({ timeout: 5 });
    }
  };
  onAsyncCleanup(drop);
  const url = new URL(adminUrl.href);
  url.pathname = `/${name}`;
  return { name, url: url.href, where: `${describe(adminUrl)}/${name}`, drop };
}
