/** `nexus credentials generate-client-key <domain>`: a new random key for the domain's clients, shown once. */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { UsageError } from '../command.js';
import { domainArgument, parsingArguments } from './arguments.js';
import { printHelp, type Subcommand } from './subcommand.js';
import { editTarget, missingFile, targetOf } from './target.js';

/** Recognisable in a leaked log or a secret scanner: Claude Nexus key. */
export const CLIENT_KEY_PREFIX = 'cnk_';

/** 256 random bits, base64url: `cnk_` and 43 characters. */
export function newClientKey(): string {
  return `${CLIENT_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export const clientKeyCommand: Subcommand = {
  summary: 'make a random key for the domain\'s clients, store it and print it once',
  help: `Usage: nexus credentials generate-client-key <domain> [--force]

Makes a random client key (cnk_…), stores it as the client_api_key of the domain's
credentials file (mode 0600, atomically) and prints it once on stdout, alone, so that
  KEY=$(nexus credentials generate-client-key team.example.com)
works; the explanation goes to stderr. Clients send it as x-api-key or
Authorization: Bearer (ANTHROPIC_API_KEY for Claude Code and the SDKs).
The file must exist (see add-key and login).

Options:
  --force     replace an existing client key (clients holding the old one are then refused)
  -h, --help  show this help`,
  async run(args) {
    const { values, positionals } = parsingArguments('generate-client-key', () =>
      parseArgs({ args, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true }),
    );
    if (values.help === true) return printHelp(clientKeyCommand);
    const target = targetOf(domainArgument('generate-client-key', positionals));
    const key = newClientKey();
    const { previous } = await editTarget(target, false, (current) => {
      if (current === null) throw missingFile(target);
      if (current.clientApiKey !== undefined && values.force !== true) {
        throw new UsageError(`${target.domain} already has a client key; --force replaces it (clients holding the old one are then refused)`);
      }
      return { ...current.raw, client_api_key: key };
    });
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `${previous?.clientApiKey === undefined ? 'Stored a new' : 'Replaced the'} client key of ${target.domain} in ${target.path}. ` +
        'It is shown only this once: give it to the domain\'s clients as ANTHROPIC_API_KEY (x-api-key or Authorization: Bearer).\n',
    );
    return 0;
  },
};
