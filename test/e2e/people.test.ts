/**
 * People and projects with the real clients: the Claude Code CLI run in a temporary git repository
 * on a named branch, and the Anthropic SDK with two members' own keys.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createKey } from '../../src/people/index.js';
import { costOf } from '../../src/pricing/index.js';
import { usageTotals, type Database } from '../../src/storage/index.js';
import { DEFAULT_API_KEY } from '../fake-anthropic/index.js';
import { runClaude, type ClaudeJsonResult } from '../support/claude-cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { startHarness, type Harness } from '../support/proxy-harness.js';

const DOMAIN = '127.0.0.1';
let pg: TestDatabase;
let h: Harness;
let db: Database;
let repo: string;
const keys: Record<'ana' | 'bo', string> = { ana: '', bo: '' };

beforeAll(async () => {
  pg = await createPostgresDatabase();
  h = await startHarness({ databaseUrl: pg.url });
  await h.writeCredentials(DOMAIN, { type: 'api_key', api_key: DEFAULT_API_KEY });
  db = await h.database();
  for (const name of ['ana', 'bo'] as const) {
    await addMember(db, { email: `${name}@example.com`, teams: [name === 'ana' ? 'platform' : 'web'] });
    keys[name] = (await createKey(db, { domain: DOMAIN, memberEmail: `${name}@example.com` }, (text) => ({ domain: text }))).key;
  }
  repo = await mkdtemp(join(tmpdir(), 'nexus-billing-api-'));
  execFileSync('git', ['init', '-q', '-b', 'feature/people'], { cwd: repo });
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'start'], { cwd: repo });
});
afterAll(async () => {
  await h.close();
  await db.close();
  await pg.drop();
  await rm(repo, { recursive: true, force: true });
});

async function lastRow(): Promise<Record<string, unknown>> {
  await h.flushUsage();
  const [row] = await db.query(
    `SELECT r.project, r.branch, r.session_id, m.email FROM requests r LEFT JOIN members m ON m.id = r.member_id
     WHERE r.path = '/v1/messages' ORDER BY r.started_at DESC LIMIT 1`,
  );
  return row ?? {};
}

describe('the real Claude Code CLI in a git repository', () => {
  it("records the directory's name as the project, the branch, and the member whose key it used", async () => {
    const run = await runClaude({ baseUrl: h.url, cwd: repo, env: { ANTHROPIC_API_KEY: keys.ana }, args: ['-p', 'Say hello', '--output-format', 'json'] });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ClaudeJsonResult;
    expect(await lastRow()).toEqual({ project: basename(repo), branch: 'feature/people', session_id: result.session_id, email: 'ana@example.com' });
  });

  it('lets an x-nexus-project header (ANTHROPIC_CUSTOM_HEADERS) name the project instead', async () => {
    const run = await runClaude({
      baseUrl: h.url,
      cwd: repo,
      env: { ANTHROPIC_API_KEY: keys.bo, ANTHROPIC_CUSTOM_HEADERS: 'x-nexus-project: billing' },
      args: ['-p', 'Say hello', '--output-format', 'json'],
    });
    expect(run.code, run.stderr).toBe(0);
    expect(await lastRow()).toMatchObject({ project: 'billing', branch: 'feature/people', email: 'bo@example.com' });
  });
});

describe('the real Anthropic SDK with two members', () => {
  it("reports each member's cost as exactly what the upstream billed for their requests", async () => {
    const before = { ana: await usageTotals(db, { member: 'ana@example.com' }), bo: await usageTotals(db, { member: 'bo@example.com' }) };
    const model = 'claude-sonnet-4-5';
    const usages: Record<'ana' | 'bo', Anthropic.Usage[]> = { ana: [], bo: [] };
    for (const [name, times] of [['ana', 3], ['bo', 1]] as const) {
      const client = new Anthropic({ baseURL: h.url, apiKey: keys[name], maxRetries: 0 });
      for (let i = 0; i < times; i += 1) {
        const message = await client.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: `hello ${String(i)}` }] });
        usages[name].push(message.usage);
      }
    }
    await h.flushUsage();
    for (const name of ['ana', 'bo'] as const) {
      // What the upstream billed: its own usage figures, priced.
      const billedPico = usages[name].reduce((sum, usage) => {
        const cost = costOf(
          model,
          {
            inputTokens: usage.input_tokens,
            outputTokens: usage.output_tokens,
            cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
            cacheWrite5mTokens: usage.cache_creation?.ephemeral_5m_input_tokens ?? 0,
            cacheWrite1hTokens: usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
            cacheReadTokens: usage.cache_read_input_tokens ?? 0,
            serverToolUse: {},
            serviceTier: usage.service_tier ?? null,
            inferenceGeo: null,
          },
          new Date(),
        );
        return sum + (cost?.picoUsd ?? 0n);
      }, 0n);
      expect(billedPico).toBeGreaterThan(0n);
      const after = await usageTotals(db, { member: `${name}@example.com` });
      const reported = Math.round((Number(after.costUsd) - Number(before[name].costUsd)) * 1e12);
      expect(BigInt(reported)).toBe(billedPico);
      expect(after.requests - before[name].requests).toBe(usages[name].length);
    }
  });
});
