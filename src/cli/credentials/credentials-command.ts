/** `nexus credentials <sub-command>`: list, check and create the per-domain credentials files. */
import { UsageError, type Command } from '../command.js';
import { addKeyCommand } from './add-key-command.js';
import { clientKeyCommand } from './client-key-command.js';
import { loginCommand } from './login-command.js';
import { refreshCommand } from './refresh-command.js';
import { listCommand, statusCommand } from './status-commands.js';
import type { Subcommand } from './subcommand.js';

const SUBCOMMANDS: Record<string, Subcommand> = {
  list: listCommand,
  status: statusCommand,
  'add-key': addKeyCommand,
  'generate-client-key': clientKeyCommand,
  login: loginCommand,
  refresh: refreshCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((name) => name.length)) + 2;
  const lines = Object.entries(SUBCOMMANDS).map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`);
  return `Usage: nexus credentials <command> [domain] [options]

Manage CREDENTIALS_DIR/<domain>.credentials.json, the files the proxy picks by a request's
Host. Secrets are read from stdin and never printed, except a new client key, once.

Commands:
${lines.join('\n')}

Run "nexus credentials <command> --help" for a command's options.`;
}

export const credentialsCommand: Command = {
  async run(args) {
    const [name, ...rest] = args;
    if (name === '-h' || name === '--help' || name === 'help') {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    if (name === undefined) throw new UsageError(`"nexus credentials" needs a command: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    if (name.startsWith('-')) throw new UsageError(`unknown option "${name}" for "nexus credentials" (see nexus credentials --help)`);
    const command = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
    if (command === undefined) {
      throw new UsageError(`unknown credentials command "${name}" (one of ${Object.keys(SUBCOMMANDS).join(', ')})`);
    }
    return command.run(rest);
  },
};
