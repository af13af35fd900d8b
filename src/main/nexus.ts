#!/usr/bin/env node
/** The `nexus` command: runs the services and the tools that read and manage them. */
import { CLI_COMMANDS, UsageError, type LazyCommand } from '../cli/index.js';
import { VERSION } from '../shared/version.js';

const service = (wanted: ('proxy' | 'dashboard')[], summary: string): LazyCommand => ({
  summary,
  load: async () => (await import('./service-commands.js')).serviceCommand(wanted, summary),
});

/** Every sub-command, in the order `nexus --help` lists them; each one's code loads when it runs. */
const COMMANDS: Record<string, LazyCommand> = {
  start: service(['proxy', 'dashboard'], 'run the proxy (PORT, default 3000) and the dashboard (DASHBOARD_PORT, default 3001)'),
  proxy: service(['proxy'], 'run the proxy only'),
  dashboard: service(['dashboard'], 'run the dashboard only'),
  reprice: {
    summary: 'recompute stored costs with the current price table (--since YYYY-MM-DD: only from that day on)',
    load: async () => (await import('./reprice-command.js')).repriceCommand,
  },
  ...CLI_COMMANDS,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`);
  return `Usage: nexus <command> [options]

Commands:
${lines.join('\n')}

Options:
  -h, --help      show this help (also after a command: nexus <command> --help)
  -v, --version   print the version

Configuration comes from the environment and an optional .env file; see README.md.`;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '-v' || first === '--version') {
    console.log(VERSION);
    return 0;
  }
  if (first === undefined) {
    console.error(usage());
    return 2;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    console.log(usage());
    return 0;
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}"`);
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (command === undefined) throw new UsageError(`unknown command "${first}"`);
  return (await command.load()).run(rest);
}

/**
 * Errors told apart by name: importing their classes would load the storage and configuration
 * modules for every command, `--version` included.
 */
function isNamed(error: unknown, name: 'DatabaseError' | 'ConfigError'): error is Error {
  return error instanceof Error && error.name === name;
}

/** Parse errors from node:util parseArgs carry these codes; their messages already name the flag. */
function isArgumentError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || isArgumentError(error)) {
      console.error(`nexus: ${error.message.replace(/\.$/, '')}. Run "nexus --help" for usage.`);
    } else if (isNamed(error, 'DatabaseError')) {
      console.error(`nexus: ${error.message}`);
    } else if (isNamed(error, 'ConfigError')) {
      console.error(`nexus: configuration error: ${error.message}`);
    } else {
      console.error('nexus:', error);
    }
    process.exitCode = 2;
  },
);
