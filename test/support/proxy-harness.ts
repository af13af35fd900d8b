/**
 * Starts a real proxy on a real socket (port 0) in front of the fake Anthropic API, with its own
 * credentials folder and a captured log, and tears everything down after the test.
 */
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { createCredentialStore } from '../../src/credentials/index.js';
import { createKeyDirectory, openInstallationSecret, type KeyDirectory } from '../../src/people/index.js';
import { createProxyServer } from '../../src/proxy/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { openDatabase, type Database } from '../../src/storage/index.js';
import { createFingerprint, createRecorder, createUsageListenerFactory, type Recorder } from '../../src/usage/index.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../fake-anthropic/index.js';

export interface Harness {
  fake: FakeAnthropic;
  /** `http://127.0.0.1:<port>` of the proxy. */
  url: string;
  port: number;
  credentialsDir: string;
  config: Config;
  /** Everything the proxy logged so far, as text. */
  logs(): string;
  /** The recorder, when `databaseUrl` was given. */
  recorder: Recorder | undefined;
  /** Waits until every finished exchange's record is in the database. */
  flushUsage(): Promise<void>;
  /** The database the recorder writes to. */
  database(): Promise<Database>;
  /** The member keys the proxy checks (when `databaseUrl` was given). */
  memberKeys: KeyDirectory | undefined;
  dataDir: string;
  writeCredentials(domain: string, content: unknown): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  fake?: FakeAnthropicOptions;
  /** Record usage into this database (a DATABASE_URL value, memory:// for PGlite). */
  databaseUrl?: string;
  /** Shorter client timeouts than production's, for slow-client tests. */
  clientTimeouts?: { headersMs: number; requestMs: number; checkEveryMs?: number };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startFakeAnthropic(options.fake);
  const credentialsDir = await mkdtemp(join(tmpdir(), 'nexus-creds-'));
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      CLAUDE_API_BASE_URL: fake.url,
      CLAUDE_OAUTH_TOKEN_URL: `${fake.url}/v1/oauth/token`,
      CREDENTIALS_DIR: credentialsDir,
      LOG_LEVEL: 'debug',
      ...options.env,
    },
    { envFile: null },
  );
  const logStream = new PassThrough();
  const logChunks: Buffer[] = [];
  logStream.on('data', (chunk: Buffer) => logChunks.push(chunk));
  const logger = createLogger({ level: config.logLevel, destination: logStream });
  const credentials = createCredentialStore({
    dir: credentialsDir,
    tokenEndpoint: { url: config.oauthTokenUrl, clientId: config.oauthClientId },
    logger,
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'nexus-data-'));
  let db: Promise<Database> | null = null;
  const database = (): Promise<Database> => {
    db ??= openDatabase({ databaseUrl: options.databaseUrl, dataDir }).catch((error: unknown) => {
      db = null;
      throw error;
    });
    return db;
  };
  const recorder =
    options.databaseUrl === undefined
      ? undefined
      : createRecorder({ connect: database, spoolDir: join(dataDir, 'spool'), logger, flushIntervalMs: 20, retryMs: 50, maxRetryMs: 200 });
  const secret = openInstallationSecret({ dataDir, database, logger });
  const listen =
    recorder === undefined
      ? undefined
      : createUsageListenerFactory({
          recorder,
          logger,
          storeBodies: config.storeBodies,
          fingerprint: createFingerprint(() => secret.current()),
          projectRules: config.projectRules,
          gatewayCreatesMembers: config.gatewayCreatesMembers,
        });
  const memberKeys = options.databaseUrl === undefined ? undefined : createKeyDirectory({ database, logger, pollMs: 200, touchEveryMs: 200 });
  const server = createProxyServer({
    config,
    credentials,
    logger,
    ...(listen === undefined ? {} : { listen }),
    ...(memberKeys === undefined ? {} : { memberKeys }),
    ...(options.clientTimeouts === undefined ? {} : { clientTimeouts: options.clientTimeouts }),
  });
  const openExchanges = new Set<Promise<void>>();
  server.on('request', (_req, res: import('node:http').ServerResponse) => {
    // Records are built a moment after the response closes: track that moment so flushUsage can wait for it.
    const closed = new Promise<void>((resolve) => res.once('close', () => setTimeout(resolve, 50)));
    openExchanges.add(closed);
    void closed.then(() => openExchanges.delete(closed));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    fake,
    port,
    url: `http://127.0.0.1:${port}`,
    credentialsDir,
    config,
    logs: () => Buffer.concat(logChunks).toString('utf8'),
    recorder,
    dataDir,
    database,
    memberKeys,
    async flushUsage() {
      await Promise.all(openExchanges);
      await recorder?.flush();
    },
    async writeCredentials(domain, content) {
      const path = join(credentialsDir, `${domain}.credentials.json`);
      await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      await chmod(path, 0o600);
      return path;
    },
    async close() {
      await memberKeys?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      await fake.close();
      await rm(credentialsDir, { recursive: true, force: true });
    },
  };
}
