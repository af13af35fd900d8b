/** The dashboard's key: DASHBOARD_API_KEY, or one generated on first start and kept in DATA_DIR (never open). */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DashboardKey {
  key: string;
  /** True when this start generated it (so it is shown once). */
  generated: boolean;
}

export function loadDashboardKey(configured: string | undefined, dataDir: string): DashboardKey {
  if (configured !== undefined) return { key: configured, generated: false };
  const path = join(dataDir, 'dashboard-api-key');
  try {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored !== '') return { key: stored, generated: false };
  } catch {
    // Not there yet: generated below.
  }
  const key = `cnd_${randomBytes(24).toString('base64url')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}

/** Timing-safe: both sides hashed to equal lengths first. */
export function keyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
