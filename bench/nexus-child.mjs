/**
 * Claude Nexus's proxy for the bench, built from dist/ exactly as src/main/services.ts wires it, in
 * its own child process so its CPU and memory are measured alone.
 * Argv: upstream URL, credentials folder. Logs at `info` (the default: one line per request), written
 * synchronously to /dev/null so the cost of logging is measured without flooding the bench's output.
 */
import process from 'node:process';
import { pino } from 'pino';
import { loadConfig } from '../dist/config.js';
import { createCredentialStore } from '../dist/credentials/index.js';
import { createProxyServer } from '../dist/proxy/index.js';
import { createLogger } from '../dist/shared/logger.js';
import { serveChild } from './lib/child-side.mjs';

const [upstreamUrl = '', credentialsDir = ''] = process.argv.slice(2);
const config = loadConfig(
  {
    PORT: '0',
    HOST: '127.0.0.1',
    CLAUDE_API_BASE_URL: upstreamUrl,
    CLAUDE_OAUTH_TOKEN_URL: `${upstreamUrl}/v1/oauth/token`,
    CREDENTIALS_DIR: credentialsDir,
    LOG_LEVEL: process.env.BENCH_NEXUS_LOG_LEVEL ?? 'info',
    PASSTHROUGH: 'on',
  },
  { envFile: null },
);
const logger = createLogger({ level: config.logLevel, destination: pino.destination({ dest: '/dev/null', sync: true }) });
const credentials = createCredentialStore({
  dir: config.credentialsDir,
  tokenEndpoint: { url: config.oauthTokenUrl, clientId: config.oauthClientId },
  logger,
});
serveChild(createProxyServer({ config, credentials, logger }));
