/**
 * `nexus monitor` in a real terminal: the built bin in a tmux pane (its own tmux server per test),
 * over usage recorded through the real proxy. The screen is read with capture-pane and checked
 * against figures worked out by hand; then resized, quit with q, Ctrl-C or SIGTERM, each time with
 * the terminal put back (alternate screen left, cursor shown) and exit code 0. Without a terminal
 * it prints plain lines with no escape codes; a database that goes away shows on screen.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/databases.js';
import { recordLiveUsage, type LiveUsage } from '../support/live-usage.js';
import { spawnNexus } from '../support/nexus-cli.js';
import { startTcpRelay, type TcpRelay } from '../support/tcp-relay.js';
import { waitUntil } from '../support/wait-until.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../dist/main/nexus.js', import.meta.url));
const BLOCK_MS = 5 * 3_600_000;

let live: LiveUsage;
let cwd: string;

beforeAll(async () => {
  live = await recordLiveUsage();
  cwd = await mkdtemp(join(tmpdir(), 'nexus-monitor-'));
});

afterAll(async () => {
  await live.testDb.drop();
  await rm(cwd, { recursive: true, force: true });
});

/** A tmux server of the test's own (its socket in the test's temporary folder), sharing nothing with other panes or tests. */
interface Pane {
  socket: string;
  tmux(...args: string[]): Promise<string>;
  screen(options?: { escapes?: boolean }): Promise<string[]>;
  /** #{alternate_on} and #{cursor_flag} of the pane. */
  modes(): Promise<{ alternate: boolean; cursor: boolean }>;
  /** Where the wrapper writes the monitor's exit code. */
  codeFile: string;
}

const panes: Pane[] = [];

afterEach(async () => {
  for (const pane of panes.splice(0)) await pane.tmux('kill-server').catch(() => undefined);
});

/** Starts `nexus monitor <args>` in a width × height pane; the pane outlives it, to be inspected after. */
async function startMonitor(args: readonly string[], env: Record<string, string>, size = { width: 120, height: 40 }): Promise<Pane> {
  const socket = `nexus-monitor-${randomBytes(4).toString('hex')}`;
  const codeFile = join(cwd, `${socket}.code`);
  const tmux = async (...tmuxArgs: string[]): Promise<string> => (await run('tmux', ['-S', join(cwd, socket), '-f', '/dev/null', ...tmuxArgs])).stdout;
  const pane: Pane = {
    socket,
    tmux,
    codeFile,
    async screen(options = {}) {
      return (await tmux('capture-pane', '-p', ...(options.escapes === true ? ['-e'] : []), '-t', socket)).replace(/\n$/, '').split('\n');
    },
    async modes() {
      const [alternate, cursor] = (await tmux('display', '-p', '-t', socket, '#{alternate_on} #{cursor_flag}')).trim().split(' ');
      return { alternate: alternate === '1', cursor: cursor === '1' };
    },
  };
  panes.push(pane);
  const quoted = [process.execPath, BIN, 'monitor', ...args].map((a) => `'${a}'`).join(' ');
  const script = `${quoted}; echo $? > '${codeFile}'; sleep 60`;
  const envArgs = Object.entries({ PATH: process.env.PATH ?? '', TZ: 'UTC', ...env }).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  await tmux('new-session', '-d', '-s', socket, '-x', String(size.width), '-y', String(size.height), '-c', cwd, ...envArgs, script);
  return pane;
}

async function exitCode(pane: Pane): Promise<number> {
  const text = await waitUntil(async () => (await readFile(pane.codeFile, 'utf8').catch(() => '')).trim() || undefined, 'the monitor to exit', { timeoutMs: 10_000 });
  return Number(text);
}

const waitForScreen = (pane: Pane, what: string, test: (lines: string[]) => boolean, timeoutMs = 15_000) =>
  waitUntil(async () => {
    const lines = await pane.screen();
    return test(lines) ? lines : undefined;
  }, what, { timeoutMs, intervalMs: 100 });

const line = (lines: string[], start: string): string => lines.find((l) => l.trimStart().startsWith(start)) ?? '';
const numberIn = (text: string, pattern: RegExp): number => Number((pattern.exec(text)?.[1] ?? 'NaN').replaceAll(',', ''));

describe('nexus monitor in a terminal', () => {
  it('shows the current block against hand-computed figures, redraws to fit a resize, and quits on q', async () => {
    const pane = await startMonitor(['--plan', 'max20', '--refresh-seconds', '2'], { DATABASE_URL: live.testDb.url });
    let lines = await waitForScreen(pane, 'the block on screen', (l) => l.some((x) => x.includes('Plan max20')));
    const readAt = Date.now();
    expect(await pane.modes()).toEqual({ alternate: true, cursor: false });
    const start = new Date(live.fiveHourReset.getTime() - BLOCK_MS);
    // Times of another day than today carry their date (a block that ends after midnight, UTC).
    const hhmm = (d: Date) => (d.toISOString().slice(0, 10) === new Date(readAt).toISOString().slice(0, 10) ? '' : `${d.toISOString().slice(0, 10)} `) + d.toISOString().slice(11, 16);
    expect(lines[0]).toMatch(/^ Claude Nexus · live usage +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(line(lines, 'me ')).toContain(`me  block ${hhmm(start)}–${hhmm(live.fiveHourReset)} (server window)  resets in `);
    // 2 h to the reset, give or take the seconds since it was set.
    const [, h = '', m = '', s = ''] = /resets in (\d+)h (\d+)m (\d+)s/.exec(line(lines, 'me ')) ?? [];
    const shownMs = (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
    expect(Math.abs(shownMs - (live.fiveHourReset.getTime() - readAt))).toBeLessThan(3000);
    // 110,000 + 70,000 tokens; $0.60 + $0.15.
    expect(line(lines, 'Used')).toMatch(/^ {2}Used +180,000 tokens +\$0\.75 +2 requests$/);
    // Three hours into the block: 180,000 / 180 min = 1,000 tokens/min, $0.75 / 3 h = $0.25/h, and
    // at that pace 180,000 × 5/3 = 300,000 tokens and $1.25 by the reset.
    expect(numberIn(line(lines, 'Burn rate'), /([\d,]+) tokens\/min/)).toBeCloseTo(1000, -1);
    expect(line(lines, 'Burn rate')).toMatch(/ \$0\.25\/h$/);
    expect(numberIn(line(lines, 'Projected'), /([\d,]+) tokens/)).toBeGreaterThan(299_000);
    expect(numberIn(line(lines, 'Projected'), /([\d,]+) tokens/)).toBeLessThan(301_000);
    expect(line(lines, 'Projected')).toMatch(/ \$1\.25 by (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    // The server's own figures: 5 h at 72% (observed 3 h in: ≈120% at the reset at that pace), 7 d at 34%.
    expect(line(lines, '5h (server)')).toMatch(/ 72\.0% {2}≈1[12]\d\.\d% at reset {2}resets (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    expect(line(lines, '7d (server)')).toMatch(/ 34\.0% {2}resets \d{4}-\d\d-\d\d \d\d:\d\d \(in 3d 1h\)$/);
    // 180,000 of max20's 220,000 tokens: 81.8%; $0.75 of $140: 0.5%.
    expect(line(lines, 'Plan max20')).toMatch(/ 81\.8% of 220,000 tokens · 13\d\.\d% projected, limit at (\d{4}-\d\d-\d\d )?\d\d:\d\d$/);
    expect(line(lines, 'Plan cost')).toMatch(/ {2}0\.5% of \$140\.00$/);
    // opus: 110,000 of 180,000 tokens (61.1%), $0.60 of $0.75 (80.0%); haiku: 38.9%, 20.0%.
    expect(line(lines, 'Models')).toMatch(/opus-5-5 +[█░]+ +61\.1% of tokens +80\.0% of cost$/);
    expect(line(lines, 'haiku-4-5')).toMatch(/haiku-4-5 +[█░]+ +38\.9% of tokens +20\.0% of cost$/);
    expect(lines.at(-1)).toMatch(/^ q quit · data read \d\d:\d\d:\d\d, every 2s · PostgreSQL at /);
    // Warning colours: 72% and 81.8% are past 70% (yellow), 0.5% is not (green).
    const painted = await pane.screen({ escapes: true });
    const paintedLine = (label: string) => painted.find((l) => l.includes(label)) ?? '';
    expect(paintedLine('5h (server)')).toContain('\u001b[33m█');
    expect(paintedLine('Plan max20')).toContain('\u001b[33m█');
    expect(paintedLine('Plan cost')).toContain('\u001b[32m░');

    await pane.tmux('resize-window', '-t', pane.socket, '-x', '80', '-y', '30');
    lines = await waitForScreen(pane, 'the redraw at 80 columns', (l) => l[1] === '─'.repeat(80));
    expect(lines).toHaveLength(30);
    expect(lines[0]).toMatch(/^ Claude Nexus · live usage +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    // Right-aligned to the new width, less the one-space margin (capture-pane drops trailing blanks).
    expect(lines[0]).toHaveLength(79);
    for (const row of lines) expect(Array.from(row).length).toBeLessThanOrEqual(80);
    expect(lines.filter((l) => l.includes('Used ')).length).toBe(1);
    expect(line(lines, 'Used')).toMatch(/180,000 tokens +\$0\.75/);
    expect(lines.at(-1)).toMatch(/^ q quit · /);

    await pane.tmux('send-keys', '-t', pane.socket, 'q');
    expect(await exitCode(pane)).toBe(0);
    expect(await pane.modes()).toEqual({ alternate: false, cursor: true });
    expect((await pane.screen()).join('\n')).not.toContain('Claude Nexus · live usage');
  });

  it.each([
    ['Ctrl-C', (pane: Pane) => pane.tmux('send-keys', '-t', pane.socket, 'C-c')],
    ['SIGTERM', async (pane: Pane) => {
      const shell = (await pane.tmux('display', '-p', '-t', pane.socket, '#{pane_pid}')).trim();
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', shell]);
      process.kill(Number(stdout.trim()), 'SIGTERM');
    }],
  ])('exits 0 on %s with the terminal put back', async (_name, stop) => {
    const pane = await startMonitor(['--account', 'me'], { DATABASE_URL: live.testDb.url });
    await waitForScreen(pane, 'the block on screen', (l) => l.some((x) => x.includes('5h (server)')));
    expect(await pane.modes()).toEqual({ alternate: true, cursor: false });
    await stop(pane);
    expect(await exitCode(pane)).toBe(0);
    expect(await pane.modes()).toEqual({ alternate: false, cursor: true });
  });

  it('shows a database that goes away, keeps the last figures, and recovers when it is back', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const relay: TcpRelay = await startTcpRelay({ host: target.hostname, port: Number(target.port || '5432') });
    try {
      const pane = await startMonitor(['--refresh-seconds', '1'], { DATABASE_URL: relay.rewrite(live.testDb.url) });
      await waitForScreen(pane, 'the block on screen', (l) => l.some((x) => x.includes('180,000 tokens')));
      await relay.stop();
      const down = await waitForScreen(pane, 'the outage on screen', (l) => l.some((x) => x.includes('data source unavailable')));
      expect(down.at(-2)).toMatch(/^ data source unavailable, retrying every 1s \(showing the figures read at \d\d:\d\d:\d\d\): /);
      expect(down.some((x) => x.includes('180,000 tokens'))).toBe(true);
      await relay.start();
      await waitForScreen(pane, 'the recovery', (l) => !l.some((x) => x.includes('data source unavailable')) && l.some((x) => x.includes('180,000 tokens')));
      await pane.tmux('send-keys', '-t', pane.socket, 'q');
      expect(await exitCode(pane)).toBe(0);
    } finally {
      await relay.close();
    }
  });

  it('starts without a database, says so, and still quits cleanly', async () => {
    const pane = await startMonitor([], { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nexus' });
    const lines = await waitForScreen(pane, 'the error on screen', (l) => l.some((x) => x.includes('data source unavailable')));
    expect(lines).toContain(' No figures yet.');
    await pane.tmux('send-keys', '-t', pane.socket, 'q');
    expect(await exitCode(pane)).toBe(0);
    expect(await pane.modes()).toEqual({ alternate: false, cursor: true });
  });
});

describe('nexus monitor without a terminal', () => {
  it('prints one plain line per read, with no escape codes, and exits 0 on SIGTERM', async () => {
    const cli = spawnNexus(['monitor', '--refresh-seconds', '1', '--plan', 'max5'], { env: { DATABASE_URL: live.testDb.url }, cwd });
    try {
      await waitUntil(() => (cli.stdout().split('\n').length > 2 ? true : undefined), 'two reads', { timeoutMs: 15_000 });
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
    const out = cli.stdout();
    expect(out).not.toContain('\u001b');
    const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const start = new Date(live.fiveHourReset.getTime() - BLOCK_MS);
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const entry of lines) {
      // 180,000 of max5's 88,000 tokens: 204.5%.
      expect(entry).toMatch(
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ account=me block=${iso(start)}/${iso(live.fiveHourReset)} tokens=180000 cost=\\$0\\.75 ` +
            `burn=\\d+/min burn_cost=\\$0\\.25/h projected=\\d+ 5h=72\\.0% 7d=34\\.0% plan=max5:204\\.5% reset=${iso(live.fiveHourReset)}$`,
        ),
      );
    }
    expect(cli.stderr()).toBe('');
  });

  it('prints its help and refuses a bad flag with exit code 2', async () => {
    const help = spawnNexus(['monitor', '--help'], { cwd });
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toContain('Usage: nexus monitor [options]');
    const bad = spawnNexus(['monitor', '--plan', 'team'], { cwd });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('nexus: --plan must be one of pro, max5, max20, custom, got "team". Run "nexus --help" for usage.\n');
  });
});
