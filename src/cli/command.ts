/**
 * What every `nexus` sub-command is: a summary for the command list and a `run` that takes the
 * arguments after the command name and returns an exit code. Bad input throws a UsageError, which
 * the bin prints as one line and turns into exit code 2.
 */
export interface Command {
  /** One line for `nexus --help`. */
  summary: string;
  run(args: string[]): Promise<number>;
}

/** A problem with what the user typed or pointed us at: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
