/** Picks the backend from the configuration: a postgres:// URL, `memory://`, or PGlite under DATA_DIR. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite-database.js';

export interface OpenDatabaseOptions {
  /** postgres://… or memory:// ; undefined uses PGlite in `<dataDir>/pglite`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/** Opens the database and brings its schema up to date, refusing one newer than this build. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const db = await connect(options);
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}

async function connect({ databaseUrl, dataDir }: OpenDatabaseOptions): Promise<Database> {
  if (databaseUrl === 'memory://') return openPglite(undefined);
  // Loaded on use, as PGlite is: each backend's users never load the other's driver.
  if (databaseUrl !== undefined) return (await import('./postgres-database.js')).openPostgres(databaseUrl);
  const dir = join(dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  return openPglite(dir);
}

/** Where the database lives, for messages (never the password). */
export function describeDatabase({ databaseUrl, dataDir }: Pick<OpenDatabaseOptions, 'databaseUrl' | 'dataDir'>): string {
  if (databaseUrl === undefined) return `embedded PGlite in ${join(dataDir, 'pglite')}`;
  if (databaseUrl === 'memory://') return 'in-memory PGlite';
  const url = new URL(databaseUrl);
  return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
}
