/** `nexus keys create | list | revoke`: per-person client keys, shown once, stored as hashes. */
import { parseArgs } from 'node:util';
import { expiryAfterLastDay } from '../../people/index.js';
import { parseCommandArguments } from '../arguments.js';
import { UsageError } from '../command.js';
import { withAdmin } from './people-admin.js';
import { keysTable } from './render.js';
import { SOURCE_HELP, SOURCE_OPTIONS } from './source-options.js';
import { commandOf, type PeopleSubcommand } from './subcommands.js';

/** `--expires YYYY-MM-DD`: the key works through that day (UTC) and is refused from the next. */
export function expiryOption(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const expiry = expiryAfterLastDay(value);
  if (expiry === null) throw new UsageError(`--expires must be a date as YYYY-MM-DD, got "${value}"`);
  return expiry;
}

const create: PeopleSubcommand = {
  summary: "create a member's key for a domain; prints the key once, alone on stdout",
  help: `Usage: nexus keys create <domain> --member <email> [--label L] [--expires YYYY-MM-DD] [--models m1,m2] [--gateway]

Creates a client key for a member on a managed domain (one with a credentials file) and
prints it once on stdout, alone, so that
  KEY=$(nexus keys create team.example.com --member ana@example.com)
works. Only its hash is stored; lists show its first 12 and last 4 characters.
The member sends it as ANTHROPIC_API_KEY (x-api-key or Authorization: Bearer).

Options:
  --member EMAIL   whose key it is (required)
  --label L        what it is for, e.g. "laptop" or "ci"
  --expires DATE   the last day it works (UTC), YYYY-MM-DD
  --models LIST    the only models it may use, comma-separated (others get a 400)
  --gateway        a key for another gateway in front of Nexus: requests are attributed
                   to the member its x-claude-gateway-user-email header names
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus keys create', () =>
      parseArgs({
        args,
        options: {
          ...SOURCE_OPTIONS,
          member: { type: 'string' },
          label: { type: 'string' },
          expires: { type: 'string' },
          models: { type: 'string' },
          gateway: { type: 'boolean' },
        },
        allowPositionals: true,
      }),
    );
    if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError('"nexus keys create" takes one domain, e.g. team.example.com');
    if (values.member === undefined) throw new UsageError('"nexus keys create" needs --member <email>: whose key it is');
    const domain = positionals[0];
    const expiresAt = expiryOption(values.expires);
    const { key, record } = await withAdmin(values, (admin) =>
      admin.createKey({
        domain,
        memberEmail: values.member ?? '',
        label: values.label,
        expiresAt,
        allowedModels: values.models?.split(','),
        gateway: values.gateway,
      }),
    );
    process.stdout.write(`${key}\n`);
    process.stderr.write(
      `Created ${record.id} (${record.display}) for ${record.memberEmail} on ${record.domain}. ` +
        'It is shown only this once: give it to them as ANTHROPIC_API_KEY.\n',
    );
    return 0;
  },
};

const list: PeopleSubcommand = {
  summary: 'list keys (a member\'s with --member): prefix, domain, label, models, expiry, last use',
  help: `Usage: nexus keys list [--member <email>] [--json]

Options:
  --member EMAIL   only this member's keys
  --json           one JSON document: {"keys":[{id,display,domain,memberEmail,label,…}]}
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus keys list', () =>
      parseArgs({ args, options: { ...SOURCE_OPTIONS, member: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true }),
    );
    if (positionals.length > 0) throw new UsageError(`"nexus keys list" takes no arguments, got "${positionals[0] ?? ''}"`);
    const keys = await withAdmin(values, (admin) => admin.listKeys({ memberEmail: values.member }));
    process.stdout.write(`${values.json === true ? JSON.stringify({ keys }, null, 2) : keysTable(keys)}\n`);
    return 0;
  },
};

const revoke: PeopleSubcommand = {
  summary: 'revoke a key by its id or the first 12 characters lists show',
  help: `Usage: nexus keys revoke <key id or prefix>

Revokes a key: every proxy refuses it within seconds (401, "revoked").

Options:
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus keys revoke', () => parseArgs({ args, options: SOURCE_OPTIONS, allowPositionals: true }));
    if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError('"nexus keys revoke" takes one key id (key_…) or prefix (nxk_…)');
    const wanted = positionals[0];
    // A whole key pasted here must not be echoed back or looked up: only ids and prefixes are.
    if (/^nxk_.{20,}/.test(wanted)) throw new UsageError('that looks like a whole key (not shown): give its id or its first 12 characters as "nexus keys list" shows them');
    const key = await withAdmin(values, (admin) => admin.revokeKey(wanted));
    process.stdout.write(`Revoked ${key.id} (${key.display}) of ${key.memberEmail} on ${key.domain}.\n`);
    return 0;
  },
};

export const keysCommand = commandOf('keys', "Members' own client keys: each request made with one is attributed to its member.", { create, list, revoke });
