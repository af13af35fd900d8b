/** node:util parseArgs errors as one-line UsageErrors that name the command (`nexus keys create`). */
import { UsageError } from './command.js';

/**
 * Runs a `parseArgs` call for `commandLine` and turns its errors into UsageErrors.
 * @example
 *   const { values } = parseCommandArguments('nexus keys list', () => parseArgs({ args, options }));
 */
export function parseCommandArguments<T>(commandLine: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    const option = /'(-[^' ]*)/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
      throw new UsageError(`unknown option "${option}" for "${commandLine}" (see its --help)`);
    }
    throw new UsageError(`${commandLine}: ${(error as Error).message.split('. ')[0] ?? ''}`);
  }
}
