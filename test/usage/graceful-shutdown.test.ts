/** SIGTERM on the built bin drains: a stream in flight reaches message_stop, and its record is flushed before the exit. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/index.js';
import { DEFAULT_API_KEY, messageStreamEvents, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/index.js';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.js';
import { spawnNexusProxy, type NexusHealth, killChildren } from '../support/nexus-process.js';
import { spoolSegments } from '../support/spool-files.js';
import { waitUntil } from '../support/wait-until.js';

const EVENT_DELAY_MS = 150;
const children: ChildProcessWithoutNullStreams[] = [];
let fake: FakeAnthropic;
let workDir: string;
let testDb: TestDatabase | null = null;

beforeEach(async () => {
  fake = await startFakeAnthropic();
  workDir = await mkdtemp(join(tmpdir(), 'nexus-drain-'));
});

afterEach(async () => {
  await killChildren(children);
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
  await testDb?.drop();
  testDb = null;
});

interface StreamedResponse {
  headers: IncomingHttpHeaders;
  text: string;
}

/** A streaming /v1/messages request: `firstChunk` settles on the first bytes, `done` on the end (10 s deadline). */
function streamMessage(baseUrl: string): { firstChunk: Promise<void>; done: Promise<StreamedResponse> } {
  let gotFirst: () => void = () => undefined;
  const firstChunk = new Promise<void>((resolve) => (gotFirst = resolve));
  const done = new Promise<StreamedResponse>((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}/v1/messages`,
      { method: 'POST', agent: false, headers: { host: 'localhost', 'x-api-key': DEFAULT_API_KEY, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          gotFirst();
        });
        res.on('error', reject);
        res.on('end', () => { resolve({ headers: res.headers, text }); });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('the stream did not end within 10 s')));
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'slowly' }] }));
  });
  return { firstChunk, done };
}

describe.each([{ backend: 'postgres' }, { backend: 'pglite' }] as const)('SIGTERM on the nexus bin with $backend', ({ backend }) => {
  it('lets a slow stream finish (message_stop), flushes its record, and exits 0', async () => {
    testDb = backend === 'postgres' ? await createPostgresDatabase() : null;
    const databaseUrl = testDb?.url;
    const dataDir = join(workDir, 'data');
    const nexus = await spawnNexusProxy(
      {
        CLAUDE_API_BASE_URL: fake.url,
        DATA_DIR: dataDir,
        CREDENTIALS_DIR: join(workDir, 'credentials'),
        ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
      },
      workDir,
      children,
    );
    // A fresh PGlite blocks the bin's event loop for seconds while it initialises: hence the long deadline.
    const idle = await waitUntil(async (): Promise<NexusHealth | undefined> => {
      const health = await nexus.health();
      return health.database === 'up' ? health : undefined;
    }, 'the bin to report its database up', { timeoutMs: 40_000 });
    expect(idle).toMatchObject({ status: 'ok', database: 'up', spoolBacklog: 0 });

    const events = messageStreamEvents({ text: 'one two three four five six seven eight nine ten' });
    fake.next({ kind: 'sse', events, delayMs: EVENT_DELAY_MS });
    const stream = streamMessage(nexus.url);
    await stream.firstChunk;
    const signalledAt = Date.now();
    nexus.child.kill('SIGTERM');
    const response = await stream.done;
    const streamedAfterSignalMs = Date.now() - signalledAt;
    const exitCode = await nexus.exited;
    console.log(`${backend}: the stream ran ${streamedAfterSignalMs} ms after SIGTERM (${events.length} events, ${EVENT_DELAY_MS} ms apart); exit ${String(exitCode)}`);

    expect(response.text).toContain('event: message_stop');
    expect(response.text.match(/^event: /gm)).toHaveLength(events.length);
    // Most of the stream was still to come when the signal arrived: the drain really waited for it.
    expect(streamedAfterSignalMs).toBeGreaterThan(EVENT_DELAY_MS * (events.length - 4));
    expect(exitCode).toBe(0);
    expect(nexus.stdout()).toContain('"msg":"shutting down"');
    expect(await spoolSegments(dataDir)).toEqual([]);

    const db = await openDatabase({ databaseUrl, dataDir, migrate: false });
    try {
      const rows = await db.query<{ upstream_request_id: string | null; stream: boolean; status: number; outcome: string; output_tokens: number }>(
        'SELECT upstream_request_id, stream, status, outcome, output_tokens FROM requests',
      );
      expect(rows).toEqual([{ upstream_request_id: response.headers['request-id'], stream: true, status: 200, outcome: 'completed', output_tokens: 12 }]);
    } finally {
      await db.close();
    }
  }, 90_000);
});
