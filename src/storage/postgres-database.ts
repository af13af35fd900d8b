/**
 * PostgreSQL through node-postgres (`pg`): pooled, with connection failures reported as errors,
 * never as crashes. (postgres.js 3.4.9 throws an uncatchable TypeError from a timer when a
 * connection dies with a write buffered — porsager/postgres#1154, #1208 — which our database
 * outage test reproduced; a gateway must outlive its database.)
 */
import pg from 'pg';
import type { Database, Queryable, QueryOptions, Row } from './database.js';

const INT8 = 20;

/** int8 as number (token sums stay far below 2^53); numeric stays an exact string, as pg returns it. */
function typeParsers(): pg.TypeOverrides {
  const overrides = new pg.TypeOverrides();
  overrides.setTypeParser(INT8, (value: string) => Number(value));
  return overrides;
}

export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // Fail fast when the database is down: the recorder spools and retries instead of waiting.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    types: typeParsers(),
  });
  // An idle client losing its connection must not take the process down; the next query reconnects.
  pool.on('error', () => undefined);
  // A pooler in transaction mode (PgBouncer before 1.21 and some hosted ones) hands each statement
  // to any server connection, where one prepared elsewhere is missing or another's name is taken.
  // The first such error turns preparing off for good and the statement runs again unprepared
  // (inside a transaction the retry fails too, and the caller's own retry succeeds).
  let prepare = true;
  const run = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T extends Row>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> {
      const values = params as unknown[];
      if (options.preparedAs === undefined || !prepare) return (await client.query<T>({ text, values })).rows;
      try {
        return (await client.query<T>({ name: options.preparedAs, text, values })).rows;
      } catch (error) {
        if (!isPreparedStatementLost(error)) throw error;
        prepare = false;
        return (await client.query<T>({ text, values })).rows;
      }
    },
  });
  return {
    kind: 'postgres',
    ...run(pool),
    async exec(sqlText) {
      await pool.query(sqlText);
    },
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost mid-transaction also fails the pending query; without a listener the
      // client's 'error' event would crash the process instead.
      const ignore = (): void => undefined;
      client.on('error', ignore);
      try {
        await client.query('BEGIN');
        const result = await work(run(client));
        await client.query('COMMIT');
        client.off('error', ignore);
        client.release();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.off('error', ignore);
        // A client whose connection failed is discarded, not returned to the pool.
        client.release(error instanceof Error ? error : true);
        throw error;
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** 26000: the named statement does not exist on this connection; 42P05: the name is already taken there. */
function isPreparedStatementLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '26000' || code === '42P05';
}
