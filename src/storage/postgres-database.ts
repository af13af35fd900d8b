/** PostgreSQL through porsager's `postgres` driver: pooled, prepared statements, no native addon. */
import postgres from 'postgres';
import type { Database, Queryable, Row } from './database.js';

const INT8 = 20;
const NUMERIC = 1700;

export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // Fail fast when the database is down: the recorder spools and retries instead of waiting.
    connect_timeout: 5,
    // Reconnect promptly once the database is back: the recorder does its own backing off.
    backoff: () => 0.5,
    idle_timeout: 30,
    onnotice: () => undefined,
    types: {
      int8: { to: INT8, from: [INT8], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
      numeric: { to: NUMERIC, from: [NUMERIC], serialize: (value: string) => value, parse: (value: string) => value },
    },
  });
  const run = (client: postgres.Sql | postgres.TransactionSql): Queryable => ({
    async query<T extends Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const rows = await client.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as T[];
    },
  });
  return {
    kind: 'postgres',
    ...run(sql),
    async exec(sqlText) {
      await sql.unsafe(sqlText);
    },
    async transaction(work) {
      return (await sql.begin((tx) => work(run(tx)))) as Awaited<ReturnType<typeof work>>;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
