/**
 * The terminal side of the live monitor: the alternate screen, the hidden cursor, raw keys, and
 * putting all of it back. Every escape code is written only when stdout is a terminal (callers
 * check isTTY before opening a screen; restore() is safe to call twice, and on process exit).
 * Codes: ECMA-48 / xterm control sequences (https://invisible-island.net/xterm/ctlseqs/ctlseqs.html).
 */
import type { ScreenSize } from './monitor-render.js';

const CSI = '\u001b[';
/** xterm's alternate screen buffer, with the cursor saved and restored around it (DECSET 1049). */
const ENTER_ALT = `${CSI}?1049h`;
const LEAVE_ALT = `${CSI}?1049l`;
/** DECTCEM: cursor hidden / visible. */
const HIDE_CURSOR = `${CSI}?25l`;
const SHOW_CURSOR = `${CSI}?25h`;
/** CUP to a row (1-based), then EL 2: the whole row erased before it is written. */
const row = (n: number): string => `${CSI}${String(n)};1H${CSI}2K`;
/** ED 2: the whole screen erased. */
const ERASE_ALL = `${CSI}2J`;

export interface Screen {
  size(): ScreenSize;
  /** Writes one frame (as many lines as the screen has rows): row by row, each row erased first. */
  draw(lines: readonly string[]): void;
  /** Leaves the alternate screen and shows the cursor again (idempotent). */
  restore(): void;
}

/** Takes over a TTY: alternate screen, hidden cursor; restored on restore() or when the process exits. */
export function openScreen(out: NodeJS.WriteStream): Screen {
  if (!out.isTTY) throw new Error('openScreen needs a terminal');
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.removeListener('exit', restore);
    out.write(SHOW_CURSOR + LEAVE_ALT);
  };
  // A crash must not leave the terminal on the alternate screen with no cursor.
  process.once('exit', restore);
  out.write(ENTER_ALT + HIDE_CURSOR);
  let drawnSize = '';
  return {
    size: () => ({ width: out.columns, height: out.rows }),
    draw(lines) {
      if (restored) return;
      // After a resize the terminal may have reflowed the old frame: start from a blank screen.
      const size = `${String(out.columns)}x${String(out.rows)}`;
      let frame = size === drawnSize ? '' : ERASE_ALL;
      drawnSize = size;
      for (let i = 0; i < Math.min(lines.length, out.rows); i += 1) frame += row(i + 1) + (lines[i] ?? '');
      out.write(frame);
    },
    restore,
  };
}

/** Calls `onKey` with each key pressed while stdin is in raw mode; returns the undo. No-op without a TTY on stdin. */
export function readKeys(input: NodeJS.ReadStream, onKey: (key: string) => void): () => void {
  if (!input.isTTY) return () => undefined;
  const onData = (data: Buffer): void => {
    for (const key of data.toString('utf8')) onKey(key);
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  return () => {
    input.removeListener('data', onData);
    input.setRawMode(false);
    input.pause();
  };
}
