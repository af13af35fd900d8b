/**
 * Reads one line from stdin, for secrets that must not go through argv (shell history, `ps`).
 * Piped input is read up to its first newline; at a terminal the prompt goes to stderr and a
 * hidden line is typed without echo.
 */
import { UsageError } from '../command.js';

const MAX_LENGTH = 16 * 1024;

export interface ReadLineOptions {
  /** Shown on stderr, only when stdin is a terminal. */
  prompt: string;
  /** At a terminal, do not echo what is typed. */
  hidden: boolean;
}

export async function readStdinLine(options: ReadLineOptions): Promise<string> {
  const { stdin, stderr } = process;
  const terminal = stdin.isTTY;
  if (terminal) stderr.write(options.prompt);
  const raw = terminal && options.hidden;
  if (raw) stdin.setRawMode(true);
  try {
    return await collectLine(stdin, raw);
  } finally {
    if (raw) {
      stdin.setRawMode(false);
      stderr.write('\n');
    }
    stdin.pause();
  }
}

function collectLine(stdin: NodeJS.ReadStream, raw: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error): void => {
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      if (error === undefined) resolve(text);
      else reject(error);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\n' || char === '\r' || (raw && char === '\u0004')) {
          finish();
          return;
        }
        if (raw && char === '\u0003') {
          finish(new UsageError('cancelled'));
          return;
        }
        text = raw && (char === '\u007f' || char === '\b') ? text.slice(0, -1) : text + char;
        if (text.length > MAX_LENGTH) {
          finish(new UsageError('the input on stdin is too long for one line'));
          return;
        }
      }
    };
    const onEnd = (): void => {
      finish();
    };
    const onError = (error: Error): void => {
      finish(new UsageError(`cannot read stdin (${error.message})`));
    };
    stdin.setEncoding('utf8');
    stdin.on('data', onData).on('end', onEnd).on('error', onError);
    stdin.resume();
  });
}
