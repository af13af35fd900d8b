/**
 * Runs the real Claude Code CLI (`@anthropic-ai/claude-code`) non-interactively against a base URL,
 * fully offline: a fresh config dir, no nonessential traffic, no retries, stdin closed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLAUDE_BIN = fileURLToPath(new URL('../../node_modules/.bin/claude', import.meta.url));

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI's `--output-format json` result, the fields tests read. */
export interface ClaudeJsonResult {
  result: string;
  is_error: boolean;
  session_id: string;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

export async function runClaude(options: { baseUrl: string; env: Record<string, string>; args: string[]; timeoutMs?: number; cwd?: string }): Promise<ClaudeRun> {
  const configDir = await mkdtemp(join(tmpdir(), 'nexus-claude-'));
  try {
    return await new Promise<ClaudeRun>((resolve, reject) => {
      const child = spawn(CLAUDE_BIN, options.args, {
        cwd: options.cwd ?? configDir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: configDir,
          CLAUDE_CONFIG_DIR: configDir,
          ANTHROPIC_BASE_URL: options.baseUrl,
          // Offline and fast: no telemetry or probes, and a refused request fails at once instead of backing off.
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          CLAUDE_CODE_MAX_RETRIES: '0',
          ...options.env,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`claude did not exit within ${options.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
      }, options.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}
