/** `nexus credentials list` and `status [domain]`: what each domain's file holds, never a secret. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import { UsageError } from '../command.js';
import { optionalDomainArgument, parsingArguments } from './arguments.js';
import { loadCredentialFacts } from './load-facts.js';
import { renderList, renderStatus } from './render.js';
import { printHelp, type Subcommand } from './subcommand.js';
import { summarizeCredential } from './summary.js';

const OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const listCommand: Subcommand = {
  summary: 'one line per domain: type, account, expiry, refresh token, client key',
  help: `Usage: nexus credentials list [--json]

One line per credentials file in CREDENTIALS_DIR: its type (api_key or oauth), account,
OAuth expiry, whether it has a refresh token and whether a client key is set, then any
problems found. No key or token is ever printed.

Options:
  --json      the same as JSON: {"credentialsDir", "domains": [...]}
  -h, --help  show this help`,
  async run(args) {
    const { values, positionals } = parsingArguments('list', () => parseArgs({ args, options: OPTIONS, allowPositionals: true }));
    if (values.help === true) return printHelp(listCommand);
    if (positionals.length > 0) throw new UsageError('"nexus credentials list" takes no domain (for one: nexus credentials status <domain>)');
    return show(values.json === true, undefined, renderList);
  },
};

export const statusCommand: Subcommand = {
  summary: 'everything known about each domain (or one): file mode, expiry, refresh health, problems',
  help: `Usage: nexus credentials status [domain] [--json]

For each credentials file (or only the domain's): its path, mode and last write, type,
account, OAuth expiry and scopes, how it gets refreshed, whether a client key is set, and
what needs fixing with the command that fixes it. No key or token is ever printed.

Options:
  --json      the same as JSON: {"credentialsDir", "domains": [...]}
  -h, --help  show this help`,
  async run(args) {
    const { values, positionals } = parsingArguments('status', () => parseArgs({ args, options: OPTIONS, allowPositionals: true }));
    if (values.help === true) return printHelp(statusCommand);
    const domain = optionalDomainArgument('status', positionals);
    return show(values.json === true, domain, (_dir, summaries) => renderStatus(summaries, Date.now()));
  },
};

async function show(
  json: boolean,
  domain: Parameters<typeof loadCredentialFacts>[1],
  render: (dir: string, summaries: ReturnType<typeof summarizeCredential>[]) => string,
): Promise<number> {
  const { credentialsDir } = loadConfig();
  const now = Date.now();
  const summaries = (await loadCredentialFacts(credentialsDir, domain)).map((facts) => summarizeCredential(facts, now));
  const text = json ? JSON.stringify({ credentialsDir, domains: summaries }, null, 2) : render(credentialsDir, summaries);
  process.stdout.write(`${text}\n`);
  return 0;
}

