/** Proxy, dashboard and replicas start together on an empty PostgreSQL: every one opens, the schema is migrated once. */
import { afterEach, expect, it } from 'vitest';
import { loadMigrations, openDatabase, type Database } from '../../src/storage/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';

let testDb: TestDatabase | null = null;
const opened: Database[] = [];

afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  await testDb?.drop();
  testDb = null;
});

it('lets four processes migrate an empty database at the same time, applying each migration once', async () => {
  testDb = await createPostgresDatabase();
  const url = testDb.url;
  const results = await Promise.allSettled(Array.from({ length: 4 }, () => openDatabase({ databaseUrl: url, dataDir: '/nonexistent' })));
  for (const result of results) if (result.status === 'fulfilled') opened.push(result.value);
  expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  const versions = await opened[0]?.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  expect(versions?.map((row) => row.version)).toEqual((await loadMigrations()).map((migration) => migration.version));
});
