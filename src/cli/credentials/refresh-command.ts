/** `nexus credentials refresh <domain>`: refresh an OAuth token now, through the proxy's own credential store. */
import { parseArgs } from 'node:util';
import {
  createCredentialStore,
  CredentialError,
  parseCredentialFile,
  readTextIfAny,
  type CredentialFile,
} from '../../credentials/index.js';
import { UsageError } from '../command.js';
import { domainArgument, parsingArguments } from './arguments.js';
import { printHelp, type Subcommand } from './subcommand.js';
import { describeExpiry } from './summary.js';
import { asUsageError, missingFile, targetOf, type Target } from './target.js';

export const refreshCommand: Subcommand = {
  summary: 'refresh the domain\'s OAuth token now and write the rotated tokens',
  help: `Usage: nexus credentials refresh <domain>

Refreshes the domain's OAuth token now, by the same code the proxy runs before a token
expires (CLAUDE_OAUTH_TOKEN_URL), writes the rotated tokens to the file (mode 0600,
atomically) and reports the new expiry. A running proxy picks the new file up by itself.

Options:
  -h, --help  show this help`,
  async run(args) {
    const { values, positionals } = parsingArguments('refresh', () =>
      parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true }),
    );
    if (values.help === true) return printHelp(refreshCommand);
    const target = targetOf(domainArgument('refresh', positionals));
    const staleAccessToken = await refreshableToken(target);
    const store = createCredentialStore({
      dir: target.config.credentialsDir,
      tokenEndpoint: { url: target.config.oauthTokenUrl, clientId: target.config.oauthClientId },
    });
    const managed = await store.find([target.domain]);
    if (managed === null) throw missingFile(target);
    try {
      // "This token was refused" is the store's way in to a forced refresh: single-flight, rotated pair on disk first.
      await store.refreshAfterRejection(managed, { kind: 'oauth', accessToken: staleAccessToken });
    } catch (error) {
      if (error instanceof CredentialError) throw new UsageError(error.message);
      throw error;
    }
    const expiresAt = await writtenExpiry(target, staleAccessToken);
    const expiry = expiresAt === undefined ? 'has no expiry' : `${describeExpiry(expiresAt, Date.now())} (${new Date(expiresAt).toISOString()})`;
    process.stdout.write(`Refreshed the OAuth token for ${target.domain}: the new one ${expiry}; written to ${target.path}.\n`);
    return 0;
  },
};

/** The current access token, once the file is known to hold a refreshable OAuth credential. */
async function refreshableToken(target: Target): Promise<string> {
  const file = await readTargetFile(target);
  if (file.credential.kind !== 'oauth') throw new UsageError(`${target.domain} holds an API key, which needs no refresh`);
  if (file.credential.tokens.refreshToken === undefined) {
    throw new UsageError(`the OAuth token of ${target.domain} has no refresh token: log in again with "nexus credentials login ${target.domain}"`);
  }
  return file.credential.tokens.accessToken;
}

/** The expiry now on disk; the store keeps rotated tokens in memory only when it cannot write them. */
async function writtenExpiry(target: Target, staleAccessToken: string): Promise<number | undefined> {
  const file = await readTargetFile(target);
  if (file.credential.kind !== 'oauth' || file.credential.tokens.accessToken === staleAccessToken) {
    throw new UsageError(
      `the token was refreshed but ${target.path} could not be rewritten, so the new tokens are lost: ` +
        `fix the file's permissions and log in again with "nexus credentials login ${target.domain}"`,
    );
  }
  return file.credential.tokens.expiresAt;
}

async function readTargetFile(target: Target): Promise<CredentialFile> {
  let text: string | null;
  try {
    text = await readTextIfAny(target.path);
  } catch (error) {
    throw asUsageError(target.path, error, 'read');
  }
  if (text === null) throw missingFile(target);
  try {
    return parseCredentialFile(text);
  } catch (error) {
    throw asUsageError(target.path, error, 'read');
  }
}
