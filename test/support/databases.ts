/**
 * The two storage backends for tests: a fresh PostgreSQL database per call (on the server named by
 * TEST_DATABASE_URL, default the local one .ci/run starts) and a fresh in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** What to put in DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

/** A new, empty PostgreSQL database; `drop()` removes it. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `nexus_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

export interface Backend {
  name: 'postgres' | 'pglite';
  /** A fresh database of this backend, as a DATABASE_URL value. */
  create(): Promise<TestDatabase>;
}

export const BACKENDS: Backend[] = [
  { name: 'postgres', create: createPostgresDatabase },
  { name: 'pglite', create: () => Promise.resolve({ url: 'memory://', drop: () => Promise.resolve() }) },
];
