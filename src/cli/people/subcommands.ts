/** A command made of sub-commands (`nexus members add`): dispatch, help, and one line on bad input. */
import { UsageError, type Command } from '../command.js';

export interface PeopleSubcommand {
  summary: string;
  help: string;
  run(args: string[]): Promise<number>;
}

export function commandOf(name: string, description: string, subcommands: Record<string, PeopleSubcommand>): Command {
  const names = Object.keys(subcommands);
  const usage = (): string => {
    const width = Math.max(...names.map((sub) => sub.length)) + 2;
    const lines = Object.entries(subcommands).map(([sub, command]) => `  ${sub.padEnd(width)}${command.summary}`);
    return `Usage: nexus ${name} <command> [options]\n\n${description}\n\nCommands:\n${lines.join('\n')}\n\nRun "nexus ${name} <command> --help" for a command's options.`;
  };
  return {
    async run(args) {
      const [sub, ...rest] = args;
      if (sub === '-h' || sub === '--help' || sub === 'help') {
        process.stdout.write(`${usage()}\n`);
        return 0;
      }
      if (sub === undefined) throw new UsageError(`"nexus ${name}" needs a command: ${names.join(', ')}`);
      const command = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
      if (command === undefined) throw new UsageError(`unknown ${name} command "${sub}" (one of ${names.join(', ')})`);
      if (rest.includes('-h') || rest.includes('--help')) {
        process.stdout.write(`${command.help}\n`);
        return 0;
      }
      return command.run(rest);
    },
  };
}
