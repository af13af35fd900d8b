/**
 * The per-installation secret that salts the fingerprints kept of presented credentials (a
 * passthrough API key, a domain key): without it a stored fingerprint could be checked against
 * guessed keys. Every instance must use the same one, so the database holds it; a copy in
 * DATA_DIR (mode 0600) serves from the first request, before or without the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../storage/index.js';
import type { Logger } from '../shared/logger.js';

export interface InstallationSecret {
  current(): string;
  /** Settles once the database's secret was adopted (or could not be read). */
  readonly synced: Promise<void>;
}

const NAME = 'fingerprint_salt';

export function openInstallationSecret(options: { dataDir: string; database: () => Promise<Database>; logger: Logger }): InstallationSecret {
  const file = join(options.dataDir, 'installation-secret');
  let secret = readSecret(file) ?? writeSecret(file, randomBytes(32).toString('hex'));
  const synced = (async () => {
    try {
      const db = await options.database();
      await db.query('INSERT INTO installation (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [NAME, secret]);
      const [row] = await db.query<{ value: string }>('SELECT value FROM installation WHERE name = $1', [NAME]);
      if (row !== undefined && row.value !== secret) secret = writeSecret(file, row.value);
    } catch (error) {
      options.logger.warn({ err: error }, 'installation secret: the database could not be read; using the copy in DATA_DIR');
    }
  })();
  return { current: () => secret, synced };
}

function readSecret(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

function writeSecret(file: string, secret: string): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
