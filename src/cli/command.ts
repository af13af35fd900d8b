/**
 * What every `nexus` sub-command is: a `run` that takes the arguments after the command name and
 * returns an exit code. Bad input throws a UsageError, which the bin prints as one line and turns
 * into exit code 2.
 */
export interface Command {
  run(args: string[]): Promise<number>;
}

/**
 * A sub-command as the bin lists it: its summary now, its code when it runs. `nexus statusline`,
 * which Claude Code runs at every refresh, then loads only what a status line needs.
 */
export interface LazyCommand {
  /** One line for `nexus --help`. */
  summary: string;
  load(): Promise<Command>;
}

/** A problem with what the user typed or pointed us at: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
