/** The shape of a `nexus credentials` sub-command: its help text and its run. */
export interface Subcommand {
  /** One line for `nexus credentials --help`. */
  summary: string;
  /** The full text of `nexus credentials <name> --help`. */
  help: string;
  run(args: string[]): Promise<number>;
}

/** Prints a sub-command's help on stdout; returns exit code 0. */
export function printHelp(command: Subcommand): number {
  process.stdout.write(`${command.help}\n`);
  return 0;
}
