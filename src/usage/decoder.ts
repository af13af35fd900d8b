// Content-Encoding decoder for the usage tap: a side copy of the response bytes in, decoded bytes out, never a throw.
import { Decompress } from 'fzstd';
import type { Transform } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Decodes one response body; `onData` receives decoded bytes in order. */
export interface BodyDecoder {
  /** Feeds raw bytes as they went to the client; ignored after an error, `end` or `abort`. */
  write(chunk: Buffer): void;
  /** The body ended normally: resolves once every decoded byte was handed to `onData`. */
  end(): Promise<void>;
  /** The body was cut: flushes what the truncated input still yields, then resolves. */
  abort(): Promise<void>;
  /** Why decoding stopped (unknown coding, corrupt data); null while all is well. */
  readonly error: string | null;
}

interface Stage {
  write(chunk: Buffer): void;
  finish(cut: boolean): Promise<void>;
}

type Sink = (chunk: Buffer) => void;
type Fail = (coding: string, cause: unknown) => void;

/**
 * The codings of a Content-Encoding header in the order they were applied, so they are undone in
 * reverse (RFC 9110 §8.4); identity is no coding.
 */
export function parseContentEncoding(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity' && coding !== 'none');
}

/**
 * @example
 * const decoder = createBodyDecoder('gzip', (bytes) => parser.push(bytes));
 * decoder.write(chunk); await decoder.end();
 */
export function createBodyDecoder(contentEncoding: string | undefined, onData: Sink): BodyDecoder {
  let error: string | null = null;
  let closed = false;
  const fail: Fail = (coding, cause) => {
    error ??= `${coding}: ${cause instanceof Error ? cause.message : String(cause)}`;
  };
  const codings = parseContentEncoding(contentEncoding);
  const unknown = codings.find((coding) => !STAGES.has(coding));
  if (unknown !== undefined) fail(unknown, 'unsupported content-encoding');
  const stages: Stage[] = [];
  let next: Sink = onData;
  // Built from the inside out: the first coding applied is undone last, right before onData.
  for (const coding of unknown === undefined ? codings : []) {
    const make = STAGES.get(coding);
    if (make === undefined) continue;
    const stage = make(coding, next, fail);
    stages.unshift(stage);
    next = (chunk) => {
      stage.write(chunk);
    };
  }
  const finish = async (cut: boolean): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const stage of stages) await stage.finish(cut);
  };
  return {
    write(chunk) {
      if (closed || error !== null) return;
      const first = stages[0];
      if (first === undefined) onData(chunk);
      else first.write(chunk);
    },
    end: () => finish(false),
    abort: () => finish(true),
    get error() {
      return error;
    },
  };
}

// Z_SYNC_FLUSH / BROTLI_OPERATION_FLUSH at the end: a cut stream yields what it holds instead of
// failing with "unexpected end of file" (nodejs.org/api/zlib.html#flushing).
const ZLIB_SYNC = { finishFlush: constants.Z_SYNC_FLUSH };
const BROTLI_SYNC = { finishFlush: constants.BROTLI_OPERATION_FLUSH };
const STAGES = new Map<string, (coding: string, emit: Sink, fail: Fail) => Stage>([
  ['gzip', (coding, emit, fail) => zlibStage(createGunzip(ZLIB_SYNC), coding, emit, fail)],
  ['x-gzip', (coding, emit, fail) => zlibStage(createGunzip(ZLIB_SYNC), coding, emit, fail)],
  ['deflate', (coding, emit, fail) => zlibStage(createInflate(ZLIB_SYNC), coding, emit, fail)],
  ['br', (coding, emit, fail) => zlibStage(createBrotliDecompress(BROTLI_SYNC), coding, emit, fail)],
  ['zstd', zstdStage],
]);

function zlibStage(stream: Transform, coding: string, emit: Sink, fail: Fail): Stage {
  let failed = false;
  stream.on('data', (chunk: Buffer) => {
    if (!failed) emit(chunk);
  });
  const done = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    // A persistent listener: a destroyed zlib stream may report more than once.
    stream.on('error', (cause) => {
      if (!failed) fail(coding, cause);
      failed = true;
      resolve();
    });
  });
  return {
    write(chunk) {
      if (!failed && !stream.destroyed) stream.write(chunk);
    },
    finish() {
      if (!stream.destroyed) stream.end();
      return done;
    },
  };
}

function zstdStage(coding: string, emit: Sink, fail: Fail): Stage {
  let failed = false;
  // fzstd may hand out views of its own window: copy before the bytes leave this stage.
  const decompress = new Decompress((data) => {
    if (data.length > 0) emit(Buffer.from(data));
  });
  const push = (chunk: Uint8Array, final: boolean): void => {
    if (failed) return;
    try {
      decompress.push(chunk, final);
    } catch (cause) {
      failed = true;
      fail(coding, cause);
    }
  };
  return {
    write(chunk) {
      push(chunk, false);
    },
    finish(cut) {
      // A cut frame stays incomplete: what was decoded so far has already been emitted.
      if (!cut) push(new Uint8Array(0), true);
      return Promise.resolve();
    },
  };
}
