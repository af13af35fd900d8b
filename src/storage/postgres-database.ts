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
  const run = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T extends Row>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<T[]> {
      const values = params as unknown[];
      const result = await client.query<T>(options.preparedAs === undefined ? { text, values } : { name: options.preparedAs, text, values });
      return result.rows;
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
