/**
 * Usage for the live views (monitor, statusline), recorded the real way: Claude Code-like requests
 * through the real proxy to the fake Anthropic API, whose scripted answers carry chosen usage and
 * the server's unified rate-limit headers, into a fresh PostgreSQL database.
 */
import { messageJson } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from './databases.js';
import { send } from './http.js';
import { startHarness } from './proxy-harness.js';

export const LIVE_ACCOUNT = 'me';
const CLIENT_KEY = 'cnp_live_usage_client_key_0123456789';

export interface LiveUsage {
  testDb: TestDatabase;
  /** The server's 5-hour reset (whole seconds): the block is [reset − 5 h, reset). */
  fiveHourReset: Date;
  sevenDayReset: Date;
}

/**
 * Two requests of account "me" in the server's current window, with 5 h at 72% and 7 d at 34%:
 *   sess-live-1, claude-opus-5-5: input 100,000 + output 10,000 = 110,000 tokens, 100,000 × $4 + 10,000 × $20 per MTok = $0.60
 *   sess-live-2, claude-haiku-4-5: input 50,000 + output 20,000 = 70,000 tokens, 50,000 × $1 + 20,000 × $5 per MTok = $0.15
 * The window started three hours ago, so the block has run 180 minutes: 180,000 tokens, $0.75.
 */
export async function recordLiveUsage(): Promise<LiveUsage> {
  const testDb = await createPostgresDatabase();
  const h = await startHarness({ databaseUrl: testDb.url });
  const fiveHourReset = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 3_600_000);
  const sevenDayReset = new Date(fiveHourReset.getTime() + 3 * 86_400_000);
  const headers = {
    'anthropic-ratelimit-unified-status': 'allowed',
    'anthropic-ratelimit-unified-5h-utilization': '0.72',
    'anthropic-ratelimit-unified-5h-reset': String(fiveHourReset.getTime() / 1000),
    'anthropic-ratelimit-unified-7d-utilization': '0.34',
    'anthropic-ratelimit-unified-7d-reset': String(sevenDayReset.getTime() / 1000),
  };
  try {
    await h.writeCredentials('me.example.com', {
      type: 'oauth',
      oauth: { accessToken: 'sk-ant-oat01-live', refreshToken: 'sk-ant-ort01-live', expiresAt: new Date(Date.now() + 8 * 3_600_000).toISOString() },
      client_api_key: CLIENT_KEY,
      accountId: LIVE_ACCOUNT,
    });
    const turns = [
      { session: 'sess-live-1', model: 'claude-opus-5-5', usage: { input_tokens: 100_000, output_tokens: 10_000 } },
      { session: 'sess-live-2', model: 'claude-haiku-4-5', usage: { input_tokens: 50_000, output_tokens: 20_000 } },
    ];
    for (const turn of turns) {
      const usage = { ...turn.usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } };
      h.fake.next({ kind: 'json', status: 200, headers, body: messageJson({ model: turn.model, usage }) });
      const res = await send(h.url, {
        method: 'POST',
        path: '/v1/messages?beta=true',
        headers: { host: 'me.example.com', 'user-agent': 'claude-cli/2.1.330 (external, cli)', 'x-api-key': CLIENT_KEY, 'x-claude-code-session-id': turn.session, 'content-type': 'application/json' },
        body: JSON.stringify({ model: turn.model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      });
      if (res.status !== 200) throw new Error(`the proxy answered ${String(res.status)}: ${res.body.toString()}`);
    }
    await h.flushUsage();
  } finally {
    await h.close();
    await (await h.database()).close();
  }
  return { testDb, fiveHourReset, sevenDayReset };
}
