/**
 * Finds the top-level `"model"` of a JSON request body as its bytes stream past, without parsing
 * or keeping the body: strings are skipped with indexOf, only structure is walked. A `"model"`
 * nested anywhere (a tool's input, a message's text) is not the request's model and is ignored.
 */
import { decodeJsonStringBytes } from '../shared/json-string.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_CAPTURE = 512;

export interface TopLevelModels {
  /** Every top-level `model` value, in order (JSON parsers keep the last; a check must pass them all). */
  models: string[];
  /** A top-level `model` whose value is not a string. */
  nonString: boolean;
}

export class TopLevelModelScanner {
  private depth = 0;
  private inString = false;
  /** Backslashes just before the current position inside a string (a run may cross chunks). */
  private backslashes = 0;
  /** At depth 1, the next string is a key. */
  private expectKey = false;
  /** Bytes of the current depth-1 key, or of the model's value being read. */
  private capture: number[] | null = null;
  private capturing: 'key' | 'value' | null = null;
  /** The last key read at depth 1 was "model": its value comes next. */
  private afterModelKey = false;
  private readonly found: TopLevelModels = { models: [], nonString: false };

  write(chunk: Buffer): void {
    let i = 0;
    const length = chunk.length;
    while (i < length) {
      if (this.inString) {
        i = this.inStringFrom(chunk, i);
        continue;
      }
      const byte = chunk[i] ?? 0;
      i += 1;
      if (byte === QUOTE) {
        this.inString = true;
        this.backslashes = 0;
        if (this.depth === 1 && this.expectKey) this.startCapture('key');
        else if (this.depth === 1 && this.afterModelKey) this.startCapture('value');
        continue;
      }
      if (byte <= 0x20 || byte === 0x2c /* , */ || byte === 0x3a /* : */) {
        if (this.depth === 1 && byte === 0x2c) this.expectKey = true;
        if (this.depth === 1 && byte === 0x3a) this.expectKey = false;
        continue;
      }
      if (this.depth === 1 && this.afterModelKey) {
        // The value of a top-level "model" starts with something other than a string.
        this.found.nonString = true;
        this.afterModelKey = false;
      }
      if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
        this.depth += 1;
        if (this.depth === 1) this.expectKey = byte === 0x7b;
      } else if (byte === 0x7d /* } */ || byte === 0x5d /* ] */) {
        this.depth -= 1;
      }
    }
  }

  result(): TopLevelModels {
    return this.found;
  }

  private startCapture(kind: 'key' | 'value'): void {
    this.capturing = kind;
    this.capture = [];
  }

  /** Inside a string from `start`: returns where scanning goes on (after the closing quote, or the chunk's end). */
  private inStringFrom(chunk: Buffer, start: number): number {
    let from = start;
    for (;;) {
      const quote = chunk.indexOf(QUOTE, from);
      const end = quote === -1 ? chunk.length : quote;
      this.captureBytes(chunk, from, end);
      // Backslashes right before the quote (or the chunk's end), counted across chunk boundaries.
      let run = 0;
      let j = end - 1;
      while (j >= from && chunk[j] === BACKSLASH) {
        run += 1;
        j -= 1;
      }
      this.backslashes = j < from ? this.backslashes + run : run;
      if (quote === -1) return chunk.length;
      if (this.backslashes % 2 === 1) {
        this.captureBytes(chunk, quote, quote + 1);
        this.backslashes = 0;
        from = quote + 1;
        continue;
      }
      this.closeString();
      return quote + 1;
    }
  }

  private captureBytes(chunk: Buffer, from: number, to: number): void {
    if (this.capture === null) return;
    for (let k = from; k < to && this.capture.length <= MAX_CAPTURE; k += 1) this.capture.push(chunk[k] ?? 0);
  }

  private closeString(): void {
    this.inString = false;
    this.backslashes = 0;
    if (this.capture === null) return;
    const text = this.capture.length > MAX_CAPTURE ? null : decodeJsonStringBytes(this.capture);
    if (this.capturing === 'key') {
      this.afterModelKey = text === 'model';
    } else {
      this.found.models.push(text ?? '');
      this.afterModelKey = false;
    }
    this.capture = null;
    this.capturing = null;
  }
}

