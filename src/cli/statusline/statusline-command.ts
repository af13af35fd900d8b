/**
 * `nexus statusline`: the command for Claude Code's statusLine setting. Reads the JSON Claude Code
 * pipes on stdin, asks the usage source once, prints one line. It must never break Claude Code's
 * footer: bad stdin, a bad environment or an unreachable source print a short fallback line and
 * exit 0, within a deadline. Only wrong flags (a mistake in settings.json) exit 2.
 */
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config.js';
import { UsageError, type Command } from '../command.js';
// The report modules it needs, not the reports' door: that would load every report and the usage tap.
import { createPaint } from '../reports/format.js';
import { checkTimeZone, localDate, startOfLocalDay, systemTimeZone } from '../reports/time-zone.js';
import { openUsageSource, type SourceFlags } from '../usage-source/index.js';
import { EMPTY_INPUT, parseStatuslineInput, type StatuslineInput } from './statusline-input.js';
import { fallbackText, statuslineText } from './statusline-line.js';

const DEFAULT_TIMEOUT_MS = 2000;
/** Claude Code's JSON is a few KiB; anything far bigger is not it. */
const MAX_INPUT_BYTES = 1 << 20;

const HELP = `Usage: nexus statusline [options]

One line for Claude Code's status line: the model, this session's cost (from the ledger, by the
session id Claude Code sends), today's cost and the current 5-hour block's cost and time left for
the account, and the plan's 5-hour and 7-day use when the server's rate-limit headers are on record.
Reads Claude Code's statusLine JSON on stdin. When there are no figures (no ledger, no source, bad
input) it prints "nexus: no data" and still exits 0.

In ~/.claude/settings.json:
  { "statusLine": { "type": "command", "command": "nexus statusline" } }

Options:
      --account NAME      whose day and block (default: the session's account, else the latest request's)
  -z, --timezone ZONE     IANA time zone of "today" (default: the system's)
      --color             colour the 5h/7d figures (yellow from 70%, red from 90%) unless NO_COLOR is set
      --timeout-ms N      give up and print the fallback after N ms (default ${String(DEFAULT_TIMEOUT_MS)})
      --url URL           read from this dashboard (default: NEXUS_URL, else the database)
      --api-key KEY       the dashboard's key (default: NEXUS_API_KEY, else DASHBOARD_API_KEY)
  -h, --help              this help`;

interface StatuslineOptions {
  help: boolean;
  account: string | undefined;
  timeZone: string;
  color: boolean;
  timeoutMs: number;
  source: SourceFlags;
}

function parseStatuslineArgs(args: readonly string[]): StatuslineOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      help: { type: 'boolean', short: 'h' },
      account: { type: 'string' },
      timezone: { type: 'string', short: 'z' },
      color: { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const timeout = values['timeout-ms'];
  if (timeout !== undefined && (!/^\d+$/.test(timeout) || Number(timeout) < 1 || Number(timeout) > 60_000)) {
    throw new UsageError(`--timeout-ms must be a whole number from 1 to 60000, got "${timeout}"`);
  }
  return {
    help: values.help === true,
    account: values.account,
    timeZone: values.timezone === undefined ? systemTimeZone() : checkTimeZone(values.timezone),
    color: values.color === true,
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(timeout),
    source: { url: values.url, apiKey: values['api-key'] },
  };
}

export const statuslineCommand: Command = {
  async run(args) {
    const options = parseStatuslineArgs(args);
    if (options.help) {
      console.log(HELP);
      return 0;
    }
    const deadline = Date.now() + options.timeoutMs;
    let input: StatuslineInput = EMPTY_INPUT;
    let line: string;
    try {
      const parsed = parseStatuslineInput(await readInput(process.stdin, options.timeoutMs));
      if (parsed === null) throw new Error("stdin is not Claude Code's statusLine JSON");
      input = parsed;
      line = await withDeadline(statuslineLine(options, input, loadConfig(), new Date()), deadline - Date.now());
    } catch (error) {
      process.stderr.write(`nexus statusline: ${error instanceof Error ? error.message : String(error)}\n`);
      line = fallbackText(input);
    }
    process.stdout.write(`${line}\n`);
    // A source still connecting past the deadline must not keep Claude Code waiting for the exit.
    setTimeout(() => process.exit(0), 100).unref();
    return 0;
  },
};

/**
 * The line for Claude Code's statusLine JSON and these flags, as the command computes it (open the
 * source, one query, close); throws where the command prints its fallback. For the benchmark.
 */
export async function runStatusline(args: readonly string[], stdinText: string, config: Config, now = new Date()): Promise<string> {
  const input = parseStatuslineInput(stdinText);
  if (input === null) throw new Error("stdin is not Claude Code's statusLine JSON");
  return statuslineLine(parseStatuslineArgs(args), input, config, now);
}

async function statuslineLine(options: StatuslineOptions, input: StatuslineInput, config: Config, now: Date): Promise<string> {
  const source = await openUsageSource(config, options.source);
  try {
    const figures = await source.statusline({
      sessionId: input.sessionId ?? undefined,
      account: options.account,
      dayStart: startOfLocalDay(localDate(now, options.timeZone), options.timeZone),
      monthStart: startOfLocalDay(`${localDate(now, options.timeZone).slice(0, 8)}01`, options.timeZone),
      now,
    });
    if (figures.account === null) throw new Error(`no usage recorded yet in ${source.description}`);
    const paint = createPaint(options.color && !config.noColor);
    return statuslineText({ input, figures, now, paint, showAccount: options.account === undefined && figures.session === null });
  } finally {
    await source.close();
  }
}

/** stdin as text; empty when it is a terminal (run by hand), cut off at the deadline or the size cap. */
function readInput(stdin: NodeJS.ReadStream, timeoutMs: number): Promise<string> {
  if (stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      clearTimeout(timer);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', done);
      stdin.removeListener('error', done);
      stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_INPUT_BYTES) done();
    };
    const timer = setTimeout(done, timeoutMs);
    stdin.on('data', onData);
    stdin.once('end', done);
    stdin.once('error', done);
  });
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error('the usage source did not answer in time'));
    }, Math.max(ms, 0));
  });
  return Promise.race([work, late]).finally(() => {
    clearTimeout(timer);
  });
}
