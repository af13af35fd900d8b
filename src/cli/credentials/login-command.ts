/** `nexus credentials login <domain>`: a Claude subscription login (OAuth PKCE, as Claude Code does it) into the domain's file. */
import { parseArgs } from 'node:util';
import {
  authorizeUrlOf,
  createPkceLogin,
  exchangeAuthorizationCode,
  oauthFileJson,
  parsePastedCode,
  TokenEndpointError,
  type IssuedTokens,
} from '../../credentials/index.js';
import { UsageError } from '../command.js';
import { accountOption, domainArgument, parsingArguments } from './arguments.js';
import { readStdinLine } from './stdin-line.js';
import { printHelp, type Subcommand } from './subcommand.js';
import { describeExpiry } from './summary.js';
import { clientKeyHint, editTarget, targetOf } from './target.js';

export const loginCommand: Subcommand = {
  summary: 'log in to a Claude subscription (OAuth, as Claude Code does) for the domain',
  help: `Usage: nexus credentials login <domain> [--account NAME]

Logs in to a Claude subscription the way Claude Code does (OAuth with PKCE): prints a URL
to open in a browser, then reads the code that Claude's page shows (code#state, or the bare
code) from stdin, exchanges it at CLAUDE_OAUTH_TOKEN_URL and writes the tokens as the
domain's credential (mode 0600, atomically). The proxy refreshes them from then on. An
existing file's client key and account are kept; its previous credential is replaced.

A subscription is meant for its owner's own Claude Code use: the proxy serves such a
domain to Claude Code only.

Options:
  --account NAME  the name usage is counted under (default: keep the file's, else the
                  account's email address from the login)
  -h, --help      show this help`,
  async run(args) {
    const { values, positionals } = parsingArguments('login', () =>
      parseArgs({ args, options: { account: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true }),
    );
    if (values.help === true) return printHelp(loginCommand);
    const target = targetOf(domainArgument('login', positionals));
    const account = accountOption(values.account);
    const { config } = target;
    const login = createPkceLogin();
    const url = authorizeUrlOf(config.oauthAuthorizeUrl, { clientId: config.oauthClientId, login });
    process.stderr.write(
      `Open this URL in a browser, log in to Claude and authorize access:\n\n  ${url.href}\n\n` +
        'Then paste the code the page shows (code#state) here and press Enter.\n',
    );
    const pasted = parsePastedCode(await readStdinLine({ prompt: 'Code: ', hidden: false }), login.state);
    if (!pasted.ok) throw new UsageError(`login ${target.domain}: ${pasted.reason}`);
    let tokens: IssuedTokens;
    try {
      tokens = await exchangeAuthorizationCode({ url: config.oauthTokenUrl, clientId: config.oauthClientId }, { code: pasted.code, login });
    } catch (error) {
      if (error instanceof TokenEndpointError) throw new UsageError(`login ${target.domain} failed: ${error.message}`);
      throw error;
    }
    const { written } = await editTarget(target, true, (current) =>
      oauthFileJson(tokens, {
        clientApiKey: current?.clientApiKey,
        accountId: account ?? current?.accountId ?? tokens.account.email ?? tokens.account.uuid,
      }),
    );
    process.stdout.write(
      `Logged in: ${target.domain} now uses the Claude subscription of ${tokens.account.email ?? tokens.account.uuid ?? 'the account that authorized'}; ` +
        `the token ${describeExpiry(tokens.expiresAt, Date.now())} (${new Date(tokens.expiresAt).toISOString()})` +
        `${tokens.refreshToken === undefined ? ' and has no refresh token' : ' and the proxy refreshes it'}.\n` +
        `Stored in ${target.path} (mode 0600); usage is counted under ${written.accountId ?? target.domain}. ${clientKeyHint(written, target.domain)}\n`,
    );
    return 0;
  },
};
