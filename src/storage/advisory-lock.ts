/** PostgreSQL advisory locks: a named mutex shared by every process using the same database. */
import type { Database } from './database.js';

/**
 * Runs `work` while holding the transaction-scoped advisory lock named `key` (waiting for it if
 * another session holds it). The lock goes with the transaction, also if the connection dies.
 */
export function withAdvisoryLock<T>(db: Database, key: string, work: () => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    return work();
  });
}
