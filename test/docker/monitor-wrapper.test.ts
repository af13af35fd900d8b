/**
 * The container's `ccusage` and `monitor` (monitor-wrapper.sh, installed under those names) with a
 * recording stub `nexus`: the seed's commands become the nexus reports and monitor, read from the dashboard.
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStub, pathWith, readCalls, REPO_ROOT, runScript, type ScriptResult, type StubCall } from '../support/shell-scripts.js';

const WRAPPER = join(REPO_ROOT, 'docker/claude-cli/monitor-wrapper.sh');
const KEY = 'cnd_monitor_wrapper_dashboard_key';

let dir: string;
let log: string;
let env: Record<string, string>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nexus-monitor-wrapper-'));
  log = join(dir, 'calls.jsonl');
  await createStub(join(dir, 'bin'), 'nexus', { log });
  // As the image installs it: /usr/local/bin/{ccusage,monitor,claude-monitor} -> monitor-wrapper.sh
  for (const name of ['ccusage', 'monitor', 'claude-monitor']) await symlink(WRAPPER, join(dir, 'bin', name));
  env = { PATH: pathWith(join(dir, 'bin')), HOME: dir, DASHBOARD_API_KEY: KEY };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a tool; `call` is what the stub nexus got in this run, if it was called. */
async function run(command: string, args: string[]): Promise<{ result: ScriptResult; call: StubCall | undefined }> {
  await rm(log, { force: true });
  const result = await runScript(command.includes('/') ? command : join(dir, 'bin', command), args, { env });
  const calls = await readCalls(log);
  expect(calls.length).toBeLessThanOrEqual(1);
  return { result, call: calls[0] };
}

describe('ccusage in the container', () => {
  const cases: [string[], string[]][] = [
    [['daily'], ['daily']],
    [['weekly'], ['weekly']],
    [['monthly'], ['monthly']],
    [['session'], ['session']],
    [['blocks', '--active'], ['blocks', '--active']],
    [[], ['daily']],
    [['--json'], ['daily', '--json']],
    [['daily', '--since', '20260101', '--breakdown', '--timezone', 'Europe/Berlin'], ['daily', '--since', '20260101', '--breakdown', '--timezone', 'Europe/Berlin']],
  ];
  for (const [args, expected] of cases) {
    it(`ccusage ${args.join(' ')} → nexus ${expected.join(' ')}, reading the dashboard`, async () => {
      const { result, call } = await run('ccusage', args);
      expect(result.code, result.stderr).toBe(0);
      expect(call?.args).toEqual(expected);
      expect(call?.env.NEXUS_URL).toBe('http://dashboard:3001');
      expect(call?.env.NEXUS_API_KEY).toBe(KEY);
    });
  }

  it('keeps a NEXUS_URL and NEXUS_API_KEY that are given', async () => {
    env.NEXUS_URL = 'http://127.0.0.1:9/';
    env.NEXUS_API_KEY = 'cnd_other';
    const { call } = await run('ccusage', ['daily']);
    expect(call?.env.NEXUS_URL).toBe('http://127.0.0.1:9/');
    expect(call?.env.NEXUS_API_KEY).toBe('cnd_other');
  });

  it('refuses what is not a report, naming the reports', async () => {
    const { result, call } = await run('ccusage', ['mcp']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"mcp" is not a report here; the reports are daily, weekly, monthly, session, blocks');
    expect(call).toBeUndefined();
  });

  it('--help lists the reports without a key or a dashboard', async () => {
    delete env.DASHBOARD_API_KEY;
    const { result, call } = await run('ccusage', ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ccusage [daily|weekly|monthly|session|blocks]');
    expect(call).toBeUndefined();
    const perReport = await run('ccusage', ['daily', '--help']);
    expect(perReport.call?.args).toEqual(['daily', '--help']);
  });

  it('without a dashboard key says where to set it', async () => {
    delete env.DASHBOARD_API_KEY;
    const { result, call } = await run('ccusage', ['daily']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('set DASHBOARD_API_KEY in the project\'s .env');
    expect(call).toBeUndefined();
  });
});

describe('monitor in the container', () => {
  it('monitor → nexus monitor', async () => {
    const { result, call } = await run('monitor', []);
    expect(result.code, result.stderr).toBe(0);
    expect(call?.args).toEqual(['monitor']);
    expect(call?.env.NEXUS_URL).toBe('http://dashboard:3001');
    expect(call?.env.NEXUS_API_KEY).toBe(KEY);
  });

  it('claude-monitor passes its options through', async () => {
    const { call } = await run('claude-monitor', ['--timezone', 'Europe/Berlin']);
    expect(call?.args).toEqual(['monitor', '--timezone', 'Europe/Berlin']);
  });

  it('monitor-wrapper.sh takes the tool as its first argument', async () => {
    expect((await run(WRAPPER, ['ccusage', 'weekly'])).call?.args).toEqual(['weekly']);
    expect((await run(WRAPPER, ['monitor'])).call?.args).toEqual(['monitor']);
    const bad = await run(WRAPPER, ['top']);
    expect(bad.result.code).toBe(2);
    expect(bad.result.stderr).toContain('usage: monitor-wrapper.sh ccusage');
  });
});
