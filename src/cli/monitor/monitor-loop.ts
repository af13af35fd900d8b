/**
 * The live loop of `nexus monitor`, after ccusage's `_blocks.live.ts`: read the data every few
 * seconds, redraw every second and on resize, stop on q, Ctrl-C, SIGINT or SIGTERM with the
 * terminal put back. A failing source is shown on the screen and retried, never fatal. When stdout
 * is not a terminal: no screen and no escape codes, one plain line per account per read.
 */
import type { Config } from '../../config.js';
import { createPaint, type Paint } from '../reports/index.js';
import { openUsageSource, type UsageSource } from '../usage-source/index.js';
import { loadMonitorData } from './monitor-data.js';
import { plainLines } from './monitor-plain.js';
import { renderMonitor, type Line, type MonitorState } from './monitor-render.js';
import type { MonitorOptions } from './options.js';
import { openScreen, readKeys, type Screen } from './terminal.js';

export interface MonitorIo {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
}

const REDRAW_MS = 1000;
/** Keys that quit: q, Q, Ctrl-C (raw mode delivers it as a byte, not SIGINT). */
const QUIT_KEYS = new Set(['q', 'Q', '\u0003']);

/** Runs until stopped; resolves with the exit code (0). */
export function runMonitor(options: MonitorOptions, config: Config, io: MonitorIo): Promise<number> {
  const tty = io.stdout.isTTY;
  const paint = createPaint(tty && !config.noColor);
  const state: MonitorState = {
    now: new Date(),
    timeZone: options.timeZone,
    plan: options.plan,
    refreshSeconds: options.refreshSeconds,
    account: options.filters.account,
    source: null,
    data: null,
    error: null,
  };
  const screen: Screen | null = tty ? openScreen(io.stdout) : null;
  let source: UsageSource | null = null;
  let stopped = false;
  let inflight: Promise<void> = Promise.resolve();
  let readTimer: NodeJS.Timeout | undefined;

  const draw = (): void => {
    if (screen === null || stopped) return;
    state.now = new Date();
    screen.draw(renderMonitor(state, screen.size()).map((line) => paintLine(line, paint)));
  };

  const read = async (): Promise<void> => {
    try {
      source ??= await openUsageSource(config, options.source);
      state.source = source.description;
      state.data = await loadMonitorData(source, options.filters, new Date());
      state.error = null;
    } catch (error) {
      state.error = messageOf(error);
      // Opened afresh next time: a pool whose server went away, or a dashboard that restarted.
      const broken = source;
      source = null;
      await broken?.close().catch(() => undefined);
    }
    if (stopped) return;
    state.now = new Date();
    if (screen === null) {
      for (const line of plainLines(state)) io.stdout.write(`${line}\n`);
    } else {
      draw();
    }
    readTimer = setTimeout(() => {
      inflight = read();
    }, options.refreshSeconds * 1000);
  };

  return new Promise<number>((resolve) => {
    const redraw = screen === null ? undefined : setInterval(draw, REDRAW_MS);
    const onResize = (): void => {
      draw();
    };
    const stopKeys = readKeys(io.stdin, (key) => {
      if (QUIT_KEYS.has(key)) stop();
    });
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      clearInterval(redraw);
      clearTimeout(readTimer);
      io.stdout.removeListener('resize', onResize);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      stopKeys();
      screen?.restore();
      void inflight.then(async () => {
        await source?.close().catch(() => undefined);
        resolve(0);
      });
    };
    io.stdout.on('resize', onResize);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    draw();
    inflight = read();
  });
}

function paintLine(line: Line, paint: Paint): string {
  return line.map((segment) => (segment.style === undefined ? segment.text : paint(segment.style, segment.text))).join('');
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, '');
}
