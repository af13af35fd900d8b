/** `nexus credentials add-key <domain>`: an Anthropic API key, read from stdin, into the domain's file. */
import { parseArgs } from 'node:util';
import { apiKeyFileJson, type CredentialFile } from '../../credentials/index.js';
import { UsageError } from '../command.js';
import { accountOption, domainArgument, parsingArguments } from './arguments.js';
import { readStdinLine } from './stdin-line.js';
import { printHelp, type Subcommand } from './subcommand.js';
import { clientKeyHint, editTarget, targetOf } from './target.js';

export const addKeyCommand: Subcommand = {
  summary: 'store an Anthropic API key (read from stdin) as the domain\'s upstream credential',
  help: `Usage: nexus credentials add-key <domain> [--account NAME] < key-file

Reads one Anthropic API key (sk-ant-api03-…) from stdin, never from the command line where
shell history and ps would keep it, and writes it as the domain's credential in
CREDENTIALS_DIR/<domain>.credentials.json (mode 0600, atomically). An existing file's
client key and account are kept; its previous credential is replaced. At a terminal the
key is typed without echo.

Options:
  --account NAME  the name usage is counted under (default: keep the file's, else the domain)
  -h, --help      show this help`,
  async run(args) {
    const { values, positionals } = parsingArguments('add-key', () =>
      parseArgs({ args, options: { account: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true }),
    );
    if (values.help === true) return printHelp(addKeyCommand);
    const target = targetOf(domainArgument('add-key', positionals));
    const account = accountOption(values.account);
    const apiKey = checkedApiKey(await readStdinLine({ prompt: `Anthropic API key for ${target.domain} (not shown): `, hidden: true }));
    const { previous, written } = await editTarget(target, true, (current) =>
      apiKeyFileJson(apiKey, { clientApiKey: current?.clientApiKey, accountId: account ?? current?.accountId }),
    );
    process.stdout.write(
      `Stored an API key for ${target.domain} in ${target.path} (mode 0600)${replaced(previous)}.\n` +
        `Usage is counted under ${written.accountId ?? `${target.domain} (no account set)`}. ${clientKeyHint(written, target.domain)}\n`,
    );
    return 0;
  },
};

/** Light checks that catch a wrong paste; the upstream is the judge of the key itself. */
function checkedApiKey(input: string): string {
  const key = input.trim();
  if (key === '') throw new UsageError('no API key on stdin: pipe it in, e.g. nexus credentials add-key <domain> < key.txt');
  if (/\s/.test(key)) throw new UsageError('the API key on stdin contains whitespace: give exactly one key on one line');
  if (/^sk-ant-o[ar]t/.test(key)) {
    throw new UsageError('that is an OAuth token, not an API key: use "nexus credentials login <domain>" for a subscription');
  }
  if (key.startsWith('cnk_')) throw new UsageError('that is a Claude Nexus client key, not an Anthropic API key');
  if (!key.startsWith('sk-ant-')) {
    process.stderr.write('nexus: warning: the key does not start with sk-ant- as Anthropic API keys do; stored anyway\n');
  }
  return key;
}

function replaced(previous: CredentialFile | null): string {
  if (previous === null) return ', a new file';
  return previous.credential.kind === 'oauth' ? ', replacing its OAuth credential' : ', replacing its previous API key';
}
