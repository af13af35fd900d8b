/**
 * Claude Nexus's proxy for the bench, built from dist/ exactly as src/main/services.ts wires it, in
 * its own child process so its CPU and memory are measured alone.
 * Argv: upstream URL, credentials folder, and optionally `--record` and `--member-keys`.
 * Logs at `info` (the default: one line per request), written synchronously to /dev/null so the cost
 * of logging is measured without flooding the bench's output.
 *
 * Without `--record` the proxy records no usage (no `listen`). With `--record` it records usage as
 * production does (src/main/nexus.ts + services.ts): openLedger (openDatabase + createRecorder with
 * its spool under DATA_DIR) and createUsageListenerFactory passed as `listen`. DATABASE_URL, DATA_DIR
 * and STORE_BODIES come from this process's environment (DATABASE_URL unset: PGlite under DATA_DIR).
 * The parent can then ask `{type:'ledger', id, count}` over IPC: records the recorder reported
 * written, its backlog and state, and (with `count`) the number of rows in `requests`; and
 * `{type:'audit', id}`: the after-the-load checks of bench/lib/ledger-audit.mjs on its database.
 * With `--member-keys` (DATABASE_URL required) the proxy checks member keys against the people
 * directory of that database, as production does, whether it records or not.
 */
import process from 'node:process';
import { pino } from 'pino';
import { loadConfig } from '../dist/config.js';
import { createCredentialStore } from '../dist/credentials/index.js';
import { openLedger } from '../dist/main/ledger.js';
import { createKeyDirectory, openInstallationSecret } from '../dist/people/index.js';
import { createProxyServer } from '../dist/proxy/index.js';
import { createLogger } from '../dist/shared/logger.js';
import { createFingerprint, createUsageListenerFactory } from '../dist/usage/index.js';
import { openDatabase } from '../dist/storage/index.js';
import { serveChild } from './lib/child-side.mjs';

const [upstreamUrl = '', credentialsDir = '', ...flags] = process.argv.slice(2);
const record = flags.includes('--record');
const withMemberKeys = flags.includes('--member-keys');
const config = loadConfig(
  {
    PORT: '0',
    HOST: '127.0.0.1',
    CLAUDE_API_BASE_URL: upstreamUrl,
    CLAUDE_OAUTH_TOKEN_URL: `${upstreamUrl}/v1/oauth/token`,
    CREDENTIALS_DIR: credentialsDir,
    LOG_LEVEL: process.env.BENCH_NEXUS_LOG_LEVEL ?? 'info',
    PASSTHROUGH: 'on',
    ...(record || withMemberKeys ? { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR, STORE_BODIES: process.env.STORE_BODIES } : {}),
  },
  { envFile: null },
);
const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: '/dev/null', sync: true }) });
const credentials = createCredentialStore({
  dir: config.credentialsDir,
  tokenEndpoint: { url: config.oauthTokenUrl, clientId: config.oauthClientId },
  logger,
});

if (!record) {
  const memberKeys = withMemberKeys ? await memberKeysOf(openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })) : undefined;
  serveChild(createProxyServer({ config, credentials, logger, ...(memberKeys === undefined ? {} : { memberKeys }) }));
} else {
  const ledger = openLedger(config, logger);
  let written = 0;
  ledger.recorder.events.on('written', (records) => {
    written += records.length;
  });
  answerLedgerQuestions(ledger, () => written);
  answerAuditQuestions(ledger);
  // Connected and migrated before the first request, as the running service is after its first seconds.
  await ledger.database();
  const secret = openInstallationSecret({ dataDir: config.dataDir, database: () => ledger.database(), logger });
  const listen = createUsageListenerFactory({
    recorder: ledger.recorder,
    logger,
    storeBodies: config.storeBodies,
    fingerprint: createFingerprint(() => secret.current()),
    projectRules: config.projectRules,
    gatewayCreatesMembers: config.gatewayCreatesMembers,
  });
  const health = () => {
    const { database, backlog } = ledger.recorder.status();
    return { database, spoolBacklog: backlog };
  };
  const memberKeys = withMemberKeys ? await memberKeysOf(ledger.database()) : undefined;
  serveChild(createProxyServer({ config, credentials, logger, listen, health, ...(memberKeys === undefined ? {} : { memberKeys }) }));
}

/** The people directory over `database`, loaded before the first request (as it is seconds after a start). */
async function memberKeysOf(database) {
  const opened = database;
  const directory = createKeyDirectory({ database: () => opened, logger });
  await directory.refresh();
  return directory;
}

/** Answers `{type:'ledger', id, count}` with `{type:'ledger', id, written, backlog, database, lastError, rows, storeBodies}`. */
function answerLedgerQuestions(ledger, writtenSoFar) {
  process.on('message', (message) => {
    if (message?.type !== 'ledger') return;
    const answer = async () => {
      const { database, backlog, lastError } = ledger.recorder.status();
      let rows = null;
      if (message.count === true) {
        const [row] = await (await ledger.database()).query('SELECT count(*)::int AS n FROM requests');
        rows = row?.n ?? 0;
      }
      return { written: writtenSoFar(), backlog, database, lastError, rows, storeBodies: config.storeBodies };
    };
    answer().then(
      (facts) => process.send?.({ type: 'ledger', id: message.id, ...facts }),
      (error) => process.send?.({ type: 'ledger', id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** Answers `{type:'audit', id}` with `{type:'audit', id, ...auditLedger(db)}` (or `error`). */
function answerAuditQuestions(ledger) {
  process.on('message', (message) => {
    if (message?.type !== 'audit') return;
    const answer = async () => {
      // Loaded on demand: only the recording benches ask, after their load.
      const { auditLedger } = await import('./lib/ledger-audit.mjs');
      return auditLedger(await ledger.database());
    };
    answer().then(
      (facts) => process.send?.({ type: 'audit', id: message.id, ...facts }),
      (error) => process.send?.({ type: 'audit', id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
