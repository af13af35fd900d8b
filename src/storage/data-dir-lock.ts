/**
 * The embedded database (PGlite) belongs to one process: two writing the same files corrupt them.
 * The process that opens it holds `DATA_DIR/nexus.lock` (its pid and the URLs it serves), so a
 * second one refuses with a clear message, and the CLI knows to ask the running one over HTTP.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError } from './database.js';

export interface DataDirOwner {
  pid: number;
  startedAt: string;
  proxyUrl?: string;
  dashboardUrl?: string;
}

export interface DataDirLock {
  /** Records the URLs this process serves, for the CLI to find it. */
  announce(urls: Pick<DataDirOwner, 'proxyUrl' | 'dashboardUrl'>): void;
  release(): void;
}

const LOCK_FILE = 'nexus.lock';

/** Takes DATA_DIR for this process; throws a DatabaseError naming the live owner if there is one. */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const owner: DataDirOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(owner), { flag: 'wx', mode: 0o644 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readDataDirOwner(dataDir);
      if (current !== null && current.pid !== process.pid) {
        throw new DatabaseError(
          `${dataDir} is in use by another nexus process (pid ${String(current.pid)}): the embedded database serves one process. ` +
            'Stop that process, or set DATABASE_URL to a PostgreSQL server to run several.',
        );
      }
      // Left behind by a process that died without cleaning up: take it over.
      unlinkSync(path);
    }
  }
  let released = false;
  return {
    announce(urls) {
      Object.assign(owner, urls);
      if (!released) writeFileSync(path, JSON.stringify(owner), { mode: 0o644 });
    },
    release() {
      if (released) return;
      released = true;
      try {
        if (readDataDirOwner(dataDir)?.pid === process.pid) unlinkSync(path);
      } catch {
        // Already gone.
      }
    },
  };
}

/** The live process holding DATA_DIR, or null when none does (a stale lock counts as none). */
export function readDataDirOwner(dataDir: string): DataDirOwner | null {
  let owner: DataDirOwner;
  try {
    owner = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as DataDirOwner;
  } catch {
    return null;
  }
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return null;
  return isAlive(owner.pid) ? owner : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
