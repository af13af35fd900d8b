/**
 * Numbered .sql migrations (`migrations/NNN_name.sql`), applied in order at start, each in its own
 * transaction and recorded in `schema_migrations`. A database migrated by a newer build is refused.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Database, Queryable } from './database.js';
import { DatabaseError } from './database.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await readFile(new URL(file, MIGRATIONS_DIR), 'utf8'),
    })),
  );
}

export async function migrate(db: Database): Promise<{ applied: number[]; version: number }> {
  const migrations = await loadMigrations();
  if (db.kind === 'postgres') {
    // Several processes may start at once on an empty database (proxy and dashboard, replicas): one
    // migrates while holding the lock, the others wait for it and then find nothing left to do.
    return db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('nexus-migrations', 0))");
      return applyMigrations(tx, migrations, (work) => work(tx));
    });
  }
  return applyMigrations(db, migrations, (work) => db.transaction(work));
}

async function applyMigrations(
  db: Queryable,
  migrations: Migration[],
  inTransaction: (work: (tx: Queryable) => Promise<void>) => Promise<void>,
): Promise<{ applied: number[]; version: number }> {
  const latestKnown = migrations.at(-1)?.version ?? 0;
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const [row] = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  const current = row?.version ?? 0;
  if (current > latestKnown) {
    throw new DatabaseError(
      `The database schema is at version ${current}, newer than this Claude Nexus knows (${latestKnown}). ` +
        'Upgrade Claude Nexus, or point DATABASE_URL / DATA_DIR at another database.',
    );
  }
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => m.version > current)) {
    await inTransaction(async (tx) => {
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    });
    applied.push(migration.version);
  }
  return { applied, version: Math.max(current, latestKnown) };
}

/** Migrations are plain DDL: statements end with `;` at the end of a line. */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/^\s*--.*$/gm, '')
    .split(/;\s*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}
