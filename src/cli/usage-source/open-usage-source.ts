/**
 * Picks the usage source, in this order:
 *   1. `--url` (or NEXUS_URL): that dashboard over HTTP, key from `--api-key`, NEXUS_API_KEY, then
 *      DASHBOARD_API_KEY;
 *   2. DATABASE_URL: PostgreSQL directly (safe while the proxy runs);
 *   3. a live nexus holding DATA_DIR (its nexus.lock): its dashboard over HTTP, key from
 *      DASHBOARD_API_KEY or DATA_DIR/dashboard-api-key, since the embedded database serves one process;
 *   4. otherwise the embedded database itself, holding DATA_DIR's lock while reading so a proxy
 *      starting meanwhile refuses instead of opening the same files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { acquireDataDirLock, DatabaseError, describeDatabase, openDatabase, readDataDirOwner, type Database, type DataDirOwner } from '../../storage/index.js';
import { UsageError } from '../command.js';
import { createDatabaseSource } from './database-source.js';
import { createHttpSource } from './http-source.js';
import type { UsageSource } from './usage-source.js';

export interface SourceFlags {
  url?: string | undefined;
  apiKey?: string | undefined;
}

/** How to reach the ledger: a dashboard over HTTP, or the database (opened; `onClose` after closing it). */
export type LedgerAccess =
  | { kind: 'http'; baseUrl: URL; apiKey: string }
  | { kind: 'database'; db: Database; description: string; onClose?: () => void };

export interface AccessMakers<T> {
  http(baseUrl: URL, apiKey: string): T;
  /** Wraps the open database; may reject (then the database is closed and the lock released). */
  database(db: Database, options: { description: string; onClose?: () => void }): Promise<T>;
}

export async function openUsageSource(config: Config, flags: SourceFlags): Promise<UsageSource> {
  return openLedgerAccess(config, flags, {
    http: (baseUrl, apiKey) => createHttpSource({ baseUrl, apiKey }),
    database: createDatabaseSource,
  });
}

/** The ledger the way the module comment says, wrapped by `makers` (usage reports, people admin). */
export async function openLedgerAccess<T>(config: Config, flags: SourceFlags, makers: AccessMakers<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const url = flags.url === undefined ? config.nexusUrl : parseUrl(flags.url);
  if (url !== undefined) {
    const apiKey = flags.apiKey ?? config.nexusApiKey ?? config.dashboardApiKey;
    if (apiKey === undefined) throw new UsageError(`no key for the dashboard at ${url.origin}: pass --api-key or set NEXUS_API_KEY`);
    return makers.http(url, apiKey);
  }
  if (config.databaseUrl !== undefined) {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: options.migrate ?? false });
    return makers.database(db, { description: describeDatabase(config) }).catch(async (error: unknown) => {
      await db.close().catch(() => undefined);
      throw error;
    });
  }
  const owner = readDataDirOwner(config.dataDir);
  if (owner !== null) return ownerAccess(config, owner, makers);
  return openEmbedded(config, makers, options.migrate ?? false);
}

async function openEmbedded<T>(config: Config, makers: AccessMakers<T>, migrate: boolean): Promise<T> {
  const description = describeDatabase(config);
  // Reports need a ledger to read; admin commands (migrate) may create the embedded database.
  if (!migrate && !existsSync(join(config.dataDir, 'pglite', 'PG_VERSION'))) {
    throw new DatabaseError(`No usage ledger in ${description} yet: start nexus there first, or set DATABASE_URL, or pass --url.`);
  }
  let lock;
  try {
    lock = acquireDataDirLock(config.dataDir);
  } catch (error) {
    // A nexus started between our look at the lock and now: ask it instead.
    const owner = readDataDirOwner(config.dataDir);
    if (owner !== null) return ownerAccess(config, owner, makers);
    throw error;
  }
  try {
    const db = await openDatabase({ databaseUrl: undefined, dataDir: config.dataDir, migrate });
    return await makers.database(db, { description, onClose: () => { lock.release(); } }).catch(async (error: unknown) => {
      await db.close().catch(() => undefined);
      throw error;
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

function ownerAccess<T>(config: Config, owner: DataDirOwner, makers: AccessMakers<T>): T {
  if (owner.dashboardUrl === undefined) {
    throw new DatabaseError(
      `${config.dataDir} is in use by nexus (pid ${String(owner.pid)}), which serves no dashboard to read it through: ` +
        'run nexus start or nexus dashboard instead, or set DATABASE_URL.',
    );
  }
  const apiKey = config.dashboardApiKey ?? readKeyFile(config.dataDir);
  if (apiKey === undefined) {
    throw new UsageError(`no key for the dashboard of nexus (pid ${String(owner.pid)}): set DASHBOARD_API_KEY`);
  }
  return makers.http(new URL(owner.dashboardUrl), apiKey);
}

function readKeyFile(dataDir: string): string | undefined {
  try {
    const key = readFileSync(join(dataDir, 'dashboard-api-key'), 'utf8').trim();
    return key === '' ? undefined : key;
  } catch {
    return undefined;
  }
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be the dashboard's http(s) address, e.g. http://localhost:3001, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be the dashboard's http(s) address, e.g. http://localhost:3001, got "${raw}"`);
  }
  return url;
}
