/**
 * `nexus statusline` as Claude Code runs it: the built bin, its statusLine JSON on stdin, usage
 * recorded through the real proxy. Whatever goes wrong (garbage on stdin, no database, no
 * dashboard) it prints one short line and exits 0, so Claude Code's footer never breaks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/index.js';
import { startDashboardServer, type DashboardServer } from '../support/dashboard-server.js';
import { recordLiveUsage, type LiveUsage } from '../support/live-usage.js';
import { runNexus } from '../support/nexus-cli.js';

const KEY = 'cnd_statusline_bin_key_0123456789';
const stdin = (session: string) => JSON.stringify({ session_id: session, transcript_path: '/tmp/t.jsonl', cwd: '/work', model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' }, workspace: { current_dir: '/work', project_dir: '/work' }, cost: { total_cost_usd: 0.6 } });

let live: LiveUsage;
let db: Database;
let dashboard: DashboardServer;
let cwd: string;
let env: Record<string, string>;

beforeAll(async () => {
  live = await recordLiveUsage();
  db = await openDatabase({ databaseUrl: live.testDb.url, dataDir: '/nonexistent' });
  dashboard = await startDashboardServer({ apiKey: KEY, database: () => Promise.resolve(db) });
  cwd = await mkdtemp(join(tmpdir(), 'nexus-statusline-'));
  env = { DATABASE_URL: live.testDb.url };
});

afterAll(async () => {
  await dashboard.close();
  await db.close();
  await live.testDb.drop();
  await rm(cwd, { recursive: true, force: true });
});

/** `2h13m left` as minutes. */
function minutesLeft(line: string): number {
  const match = /block \$[\d.]+, (?:(\d+)h)?(\d+)m left/.exec(line);
  if (match === null) throw new Error(`no block in "${line}"`);
  return Number(match[1] ?? 0) * 60 + Number(match[2]);
}

describe('nexus statusline', () => {
  it('shows the session’s cost from the ledger, today’s, the block’s with its time left, and the plan use', async () => {
    const run = await runNexus(['statusline', '-z', 'UTC'], { env, cwd, stdin: stdin('sess-live-1') });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    // sess-live-1 is the opus request ($0.60); today and the block hold both ($0.75).
    expect(run.stdout).toMatch(/^Opus 5\.5 · session \$0\.60 · today \$0\.75 · block \$0\.75, \d+h\d\dm left · 5h 72% · 7d 34%\n$/);
    const expected = (live.fiveHourReset.getTime() - Date.now()) / 60_000;
    expect(Math.abs(minutesLeft(run.stdout) - expected)).toBeLessThanOrEqual(1);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('says the same through the dashboard, and colours only with --color', async () => {
    const direct = await runNexus(['statusline', '-z', 'UTC'], { env, cwd, stdin: stdin('sess-live-2') });
    const http = await runNexus(['statusline', '-z', 'UTC', '--url', dashboard.url, '--api-key', KEY], { cwd, stdin: stdin('sess-live-2') });
    expect(direct.stdout).toMatch(/^Opus 5\.5 · session \$0\.15 · today \$0\.75 · /);
    expect(http.stdout.replace(/\d+h\d\dm left/, '')).toBe(direct.stdout.replace(/\d+h\d\dm left/, ''));
    const colored = await runNexus(['statusline', '-z', 'UTC', '--color'], { env, cwd, stdin: stdin('sess-live-1') });
    // 72% is past the 70% warning: yellow.
    expect(colored.stdout).toContain('5h \u001b[33m72%\u001b[39m');
    const noColor = await runNexus(['statusline', '-z', 'UTC', '--color'], { env: { ...env, NO_COLOR: '1' }, cwd, stdin: stdin('sess-live-1') });
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('without input shows the latest account’s day and block, naming the account', async () => {
    const run = await runNexus(['statusline', '-z', 'UTC'], { env, cwd, stdin: '' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^today \$0\.75 · block \$0\.75, \d+h\d\dm left · 5h 72% · 7d 34% · acct me\n$/);
  });

  it('shows "-" for a session with nothing recorded yet', async () => {
    const run = await runNexus(['statusline', '-z', 'UTC'], { env, cwd, stdin: stdin('sess-not-yet') });
    expect(run.stdout).toMatch(/^Opus 5\.5 · session - · today \$0\.75 · .* · acct me\n$/);
  });

  it.each([['not json at all'], ['{"session_id": "sess-live-1", "model": '], ['[]']])('prints the fallback for garbage on stdin (%j), exit 0', async (garbage) => {
    const run = await runNexus(['statusline'], { env, cwd, stdin: garbage });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('nexus: no data\n');
  });

  it('prints the fallback, exit 0, quickly, when the database or the dashboard is unreachable', async () => {
    for (const variant of [
      { args: [], env: { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nexus' } },
      { args: ['--url', 'http://127.0.0.1:1', '--api-key', KEY], env: {} },
      { args: [], env: { DATA_DIR: join(cwd, 'no-ledger-here') } },
      { args: [], env: { DATABASE_URL: 'mysql://nope' } },
    ]) {
      const started = Date.now();
      const run = await runNexus(['statusline', ...variant.args], { env: variant.env, cwd, stdin: stdin('sess-live-1') });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('Opus 5.5 · nexus: no data\n');
      expect(run.stderr).toMatch(/^nexus statusline: /);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('gives up at --timeout-ms with the fallback', async () => {
    // A dashboard that never answers: the line must still come.
    const { createServer } = await import('node:net');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const started = Date.now();
      const run = await runNexus(['statusline', '--timeout-ms', '500', '--url', `http://127.0.0.1:${String(port)}`, '--api-key', KEY], { cwd, stdin: stdin('sess-live-1') });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('Opus 5.5 · nexus: no data\n');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('refuses a wrong flag with exit code 2, and prints its help', async () => {
    const bad = await runNexus(['statusline', '--timeout-ms', 'soon'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('nexus: --timeout-ms must be a whole number from 1 to 60000, got "soon". Run "nexus --help" for usage.\n');
    const help = await runNexus(['statusline', '--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('"statusLine": { "type": "command", "command": "nexus statusline" }');
  });
});
