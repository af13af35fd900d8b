/**
 * In-process cost of recording one exchange, steadier than the load bench on a busy machine:
 * `node bench/record-cost.mjs` (after `npm run build`; STORE_BODIES=off to leave bodies out; N
 * exchanges, default 20000). Drives the production listener (usage tap, record, spool) with a
 * ~1 KB non-streaming Message and writes through the recorder into a throwaway PostgreSQL
 * database. Prints CPU per exchange (process.cpuUsage: every thread); treat as relative.
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setImmediate } from 'node:timers';
import { pino } from 'pino';
import { createFingerprint, createUsageListenerFactory, createRecorder } from '../dist/usage/index.js';
import { openDatabase } from '../dist/storage/index.js';
import { createBenchDatabase } from './lib/bench-database.mjs';
const N = Number(process.env.N ?? 20000);
const storeBodies = process.env.STORE_BODIES !== 'off';
const pg = await createBenchDatabase();
const db = await openDatabase({ databaseUrl: pg.url, dataDir: '/tmp' });
const logger = pino({ level: 'silent' });
const recorder = createRecorder({ connect: async () => db, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), logger, flushIntervalMs: 1e9 });
const factory = createUsageListenerFactory({ recorder, logger, storeBodies, fingerprint: createFingerprint(() => 'bench-installation-secret') });
const reqBody = Buffer.from(JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 256, messages: [{ role: 'user', content: 'Say hello. '.repeat(40) }] }));
const resBody = Buffer.from(JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [{ type: 'text', text: 'Hello from the bench upstream. '.repeat(20) }], stop_reason: 'end_turn', usage: { input_tokens: 42, cache_creation_input_tokens: 1500, cache_read_input_tokens: 20000, cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 }, output_tokens: 12, service_tier: 'standard' } }));
const reqHeaders = { host: '127.0.0.1', 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'user-agent': 'bench/1', 'x-api-key': 'sk-ant-api03-xxx' };
const resHeaders = { 'content-type': 'application/json', 'request-id': 'req_x', 'anthropic-organization-id': 'org', 'anthropic-ratelimit-requests-limit': '4000', 'anthropic-ratelimit-requests-remaining': '3999', 'anthropic-ratelimit-requests-reset': '2026-11-24T12:00:00Z' };
async function run(n, tag) {
  const t0 = process.cpuUsage();
  let dbUs = 0;
  for (let i = 0; i < n; i++) {
    const l = factory({ requestId: `req_${tag}_${i}`, startedAt: new Date(), method: 'POST', path: '/v1/messages', host: '127.0.0.1', requestHeaders: reqHeaders });
    l.identified({ domain: '127.0.0.1', managed: null, presentedCredential: 'sk-ant-api03-xxx', client: null });
    l.requestChunk(reqBody);
    l.responseStarted(200, resHeaders);
    l.responseChunk(resBody);
    l.finished({ status: 200, outcome: 'completed', errorType: null, upstreamRequestId: 'req_x' });
    // A turn of the event loop every 32 exchanges, as under load; a batch write every 512.
    if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
    if (i % 512 === 511) {
      const before = process.cpuUsage();
      await recorder.flush();
      const spent = process.cpuUsage(before);
      dbUs += spent.user + spent.system;
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
  await recorder.flush();
  const total = process.cpuUsage(t0);
  return { total: (total.user + total.system) / n, db: dbUs / n };
}
await run(3000, 'warm');
const r = await run(N, 'm');
process.stdout.write(`bodies ${storeBodies ? 'on' : 'off'}: ${r.total.toFixed(1)} µs CPU per recorded exchange (of which batch writes to PostgreSQL, client side: ${r.db.toFixed(1)})\n`);
await recorder.close();
await pg.drop();
