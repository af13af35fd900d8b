/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in a folder, so a first run
 * needs nothing installed. Loaded lazily: PostgreSQL users never pay for the WebAssembly module.
 */
import type { Database, Queryable, Row } from './database.js';

const INT8 = 20;
const NUMERIC = 1700;
const BYTEA = 17;

/** `dataDir` of undefined keeps everything in memory (tests). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir, {
    parsers: {
      [INT8]: (value: string) => Number(value),
      [NUMERIC]: (value: string) => value,
      [BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
    },
  });
  const run = (client: Pick<typeof db, 'query'>): Queryable => ({
    async query<T extends Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await client.query<T>(text, params as unknown[]);
      return result.rows;
    },
  });
  // PGlite runs one statement at a time; its transaction() serialises callers for us.
  return {
    kind: 'pglite',
    ...run(db),
    async exec(sqlText) {
      await db.exec(sqlText);
    },
    async transaction(work) {
      return db.transaction((tx) => work(run(tx)));
    },
    async close() {
      await db.close();
    },
  };
}
