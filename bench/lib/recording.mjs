/**
 * What the recording benches (scale-out, soak) share: a temp root with a credentials folder and one
 * DATA_DIR per proxy, waiting until a proxy's recorder wrote every request sent to it, and asking a
 * proxy for the after-the-load audit of its database (bench/lib/ledger-audit.mjs).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './children.mjs';
import { CLIENT_API_KEY, MANAGED_HOST, UPSTREAM_API_KEY } from './constants.mjs';

const POLL_MS = 20;
const AUDIT_TIMEOUT_MS = 120_000;

/** A temp folder removed at exit: `dir(name)` makes a sub-folder; `credentials` holds one api_key domain. */
export function makeTempRoot(prefix) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(root, { recursive: true, force: true }));
  const dir = (name) => {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const credentials = dir('credentials');
  const file = join(credentials, `${MANAGED_HOST}.credentials.json`);
  const content = { type: 'api_key', api_key: UPSTREAM_API_KEY, client_api_key: CLIENT_API_KEY, accountId: 'bench' };
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { root, dir, credentials };
}

/**
 * Polls the proxy until its recorder reported at least `sent` records written, for at most `maxMs`;
 * resolves `{ drained, drainMs, written, backlog }` (drainMs counted from the call).
 */
export async function waitForWritten(child, sent, maxMs) {
  const t0 = performance.now();
  for (;;) {
    const facts = await child.ask('ledger');
    if (facts.error !== undefined) throw new Error(`${child.name}: ${facts.error}`);
    const elapsed = performance.now() - t0;
    if (facts.written >= sent || elapsed > maxMs) return { drained: facts.written >= sent, drainMs: elapsed, written: facts.written, backlog: facts.backlog };
    await sleep(POLL_MS);
  }
}

/** The proxy's audit of its ledger database: rows, distinct ids, rows by user agent and outcome, roll-ups. */
export async function auditOf(child) {
  const audit = await child.ask('audit', {}, AUDIT_TIMEOUT_MS);
  if (audit.error !== undefined) throw new Error(`audit by ${child.name}: ${audit.error}`);
  return audit;
}
