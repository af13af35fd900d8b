/** `nexus members add | list | remove`: the people usage is attributed to. */
import { parseArgs } from 'node:util';
import { parseCommandArguments } from '../arguments.js';
import { UsageError } from '../command.js';
import { withAdmin } from './people-admin.js';
import { fingerprintsTable, membersTable } from './render.js';
import { SOURCE_HELP, SOURCE_OPTIONS } from './source-options.js';
import { commandOf, type PeopleSubcommand } from './subcommands.js';

function oneEmail(command: string, positionals: readonly string[]): string {
  if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError(`"nexus members ${command}" takes one email, e.g. ana@example.com`);
  return positionals[0];
}

const add: PeopleSubcommand = {
  summary: 'add a person (email unique; optional name and teams)',
  help: `Usage: nexus members add <email> [--name NAME] [--team TEAM]…

Adds a member: a person usage is attributed to. Their keys come from "nexus keys create".
An email of a removed member brings them back, with their past usage.

Options:
  --name NAME     display name
  --team TEAM     a team they are in (repeat for several)
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus members add', () =>
      parseArgs({ args, options: { ...SOURCE_OPTIONS, name: { type: 'string' }, team: { type: 'string', multiple: true } }, allowPositionals: true }),
    );
    const email = oneEmail('add', positionals);
    const member = await withAdmin(values, (admin) => admin.addMember({ email, name: values.name, teams: values.team }));
    process.stdout.write(`Added ${member.email}${member.teams.length === 0 ? '' : ` (${member.teams.join(', ')})`}: ${member.id}\n`);
    return 0;
  },
};

const list: PeopleSubcommand = {
  summary: 'list the members with their teams',
  help: `Usage: nexus members list [--json]

Options:
  --json          one JSON document: {"members":[{id,email,name,teams,createdAt}]}
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus members list', () =>
      parseArgs({ args, options: { ...SOURCE_OPTIONS, json: { type: 'boolean' } }, allowPositionals: true }),
    );
    if (positionals.length > 0) throw new UsageError(`"nexus members list" takes no arguments, got "${positionals[0] ?? ''}"`);
    const members = await withAdmin(values, (admin) => admin.listMembers());
    process.stdout.write(`${values.json === true ? JSON.stringify({ members }, null, 2) : membersTable(members)}\n`);
    return 0;
  },
};

const remove: PeopleSubcommand = {
  summary: 'remove a person: their keys are revoked, their past usage stays theirs',
  help: `Usage: nexus members remove <email>

Removes a member. Every key of theirs is revoked at once (refused by every proxy within
seconds); the usage they made stays attributed to them.

Options:
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus members remove', () =>
      parseArgs({ args, options: SOURCE_OPTIONS, allowPositionals: true }),
    );
    const email = oneEmail('remove', positionals);
    const { member, revokedKeys } = await withAdmin(values, (admin) => admin.removeMember(email));
    process.stdout.write(`Removed ${member.email}; ${revokedKeys} key${revokedKeys === 1 ? '' : 's'} revoked.\n`);
    return 0;
  },
};

const fingerprints: PeopleSubcommand = {
  summary: 'list the passthrough fingerprints (people using their own credential) and whom they are linked to',
  help: `Usage: nexus members fingerprints [--json]

People who send their own Claude subscription or API key through the proxy (passthrough) are
counted under a fingerprint: key_… (a salted hash of an API key) or org_… (the organization of a
subscription). Link one to a member with "nexus members link".

Options:
  --json          one JSON document: {"fingerprints":[{fingerprint,memberEmail,requests,lastDay}]}
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus members fingerprints', () =>
      parseArgs({ args, options: { ...SOURCE_OPTIONS, json: { type: 'boolean' } }, allowPositionals: true }),
    );
    if (positionals.length > 0) throw new UsageError(`"nexus members fingerprints" takes no arguments, got "${positionals[0] ?? ''}"`);
    const list = await withAdmin(values, (admin) => admin.listFingerprints());
    process.stdout.write(`${values.json === true ? JSON.stringify({ fingerprints: list }, null, 2) : fingerprintsTable(list)}\n`);
    return 0;
  },
};

const link: PeopleSubcommand = {
  summary: "link a passthrough fingerprint to a member: its past and future requests become theirs",
  help: `Usage: nexus members link <fingerprint> <email>

Links a passthrough fingerprint (see "nexus members fingerprints") to a member, once: the
requests already counted under it become theirs, and so do all later ones.

Options:
${SOURCE_HELP}`,
  async run(args) {
    const { values, positionals } = parseCommandArguments('nexus members link', () => parseArgs({ args, options: SOURCE_OPTIONS, allowPositionals: true }));
    const [fingerprint, email] = positionals;
    if (positionals.length !== 2 || fingerprint === undefined || email === undefined) {
      throw new UsageError('"nexus members link" takes a fingerprint and an email, e.g. key_0123456789abcdef ana@example.com');
    }
    const { member, movedRequests } = await withAdmin(values, (admin) => admin.linkFingerprint(fingerprint, email));
    process.stdout.write(`Linked ${fingerprint} to ${member.email}: ${movedRequests} earlier request${movedRequests === 1 ? '' : 's'} now theirs.\n`);
    return 0;
  },
};

export const membersCommand = commandOf('members', 'The people whose usage is attributed to them: their keys, teams and usage.', { add, list, remove, fingerprints, link });
