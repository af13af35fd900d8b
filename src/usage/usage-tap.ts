// Side tap on a response body: reads usage off the bytes already sent to the client, never delaying or altering them.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { TokenUsage } from '../shared/token-usage.js';
import { createBodyDecoder, parseContentEncoding } from './decoder.js';
import {
  completeUsage,
  errorFromWire,
  messageDeltaFromWire,
  messageFromWire,
  messageStartFromWire,
  overlayUsage,
  type MessageInfo,
  type PartialUsage,
} from './usage-from-wire.js';

export interface TapResult {
  kind: 'sse' | 'json' | 'other';
  /** `message_start.message.model`, or the JSON response's `model`. */
  model: string | null;
  messageId: string | null;
  /** null when no usage was seen (e.g. /v1/models, non-message JSON, a stream cut before message_start). */
  usage: TokenUsage | null;
  stopReason: string | null;
  /** The `error.type` of an `event: error` in a stream, or of a JSON error body. */
  errorType: string | null;
  sawMessageStop: boolean;
  /** Decoded response text kept for storage, up to maxKeepBytes (then bodyTruncated); '' unless keepBody. */
  body: string;
  bodyTruncated: boolean;
  /**
   * The last complete SSE event ended exactly at the last byte seen (or no byte was seen), so a
   * clean `event: error` can be appended after a cut. Always false for JSON, other bodies and any
   * Content-Encoding: plain text cannot be appended to a compressed body.
   */
  atEventBoundary: boolean;
  /** Bytes could not be decoded (bad gzip, unknown encoding…): usage may be missing. */
  decodeError: string | null;
  /** Events (or a JSON body) that should have carried usage or an error but did not parse or validate. */
  malformedEvents: number;
}

export interface UsageTapOptions {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  keepBody: boolean;
  /** Default 8 MiB. */
  maxKeepBytes?: number;
  /** Default 16 MiB: a JSON body is copied aside up to this size to be parsed at the end; also bounds one SSE event. */
  maxJsonBytes?: number;
}

export interface UsageTap {
  /** Called synchronously for every chunk after it was written to the client; cheap, never throws. */
  write(chunk: Buffer): void;
  /** The response ended normally. */
  end(): Promise<TapResult>;
  /** The stream was cut (client abort, upstream failure): the result of what was seen. */
  abort(): Promise<TapResult>;
}

const MIB = 1024 * 1024;

/** What the readers learn; turned into a TapResult at the end. */
interface Findings {
  model: string | null;
  messageId: string | null;
  usage: PartialUsage | null;
  stopReason: string | null;
  errorType: string | null;
  sawMessageStop: boolean;
  malformedEvents: number;
}

interface Reader {
  push(bytes: Buffer): void;
  finish(cut: boolean): void;
}

/** `text/event-stream` → sse, `application/json` and `…+json` → json (RFC 6839 §3.1), else other. */
export function responseKind(contentType: string | undefined): TapResult['kind'] {
  const essence = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence === 'text/event-stream') return 'sse';
  if (essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'))) return 'json';
  return 'other';
}

/**
 * @example
 * const tap = createUsageTap({ contentType, contentEncoding, keepBody: false });
 * upstream.on('data', (chunk) => { client.write(chunk); tap.write(chunk); });
 * upstream.on('end', () => void tap.end().then(record));
 */
export function createUsageTap(options: UsageTapOptions): UsageTap {
  const kind = responseKind(options.contentType);
  const maxJsonBytes = options.maxJsonBytes ?? 16 * MIB;
  const findings = noFindings();
  const maxKeepBytes = options.maxKeepBytes ?? 8 * MIB;
  // A JSON body that is kept anyway is parsed from the same copy: one copy, one decode.
  const shareKept = kind === 'json' && options.keepBody;
  const kept = options.keepBody ? createCollector(shareKept ? Math.max(maxKeepBytes, maxJsonBytes) : maxKeepBytes) : null;
  const reader = kind === 'sse' ? createSseReader(findings, maxJsonBytes) : kind === 'json' ? createJsonReader(findings, shareKept && kept !== null ? kept : createCollector(maxJsonBytes), maxJsonBytes) : null;
  const boundary = createBoundaryTracker();
  // Nothing reads an `other` body that is not kept: leave it undecoded.
  const idle = reader === null && kept === null;
  const decoder = createBodyDecoder(idle ? undefined : options.contentEncoding, (bytes) => {
    // Runs inside zlib callbacks too, where a throw would crash the process.
    try {
      boundary.push(bytes);
      kept?.push(bytes);
      if (!shareKept) reader?.push(bytes);
    } catch {
      findings.malformedEvents += 1;
    }
  });
  const plain = parseContentEncoding(options.contentEncoding).length === 0;
  let settled: Promise<TapResult> | null = null;

  const settle = async (cut: boolean): Promise<TapResult> => {
    await (cut ? decoder.abort() : decoder.end());
    try {
      reader?.finish(cut);
    } catch {
      findings.malformedEvents += 1;
    }
    const { usage, ...rest } = findings;
    return {
      ...rest,
      kind,
      usage: usage === null ? null : completeUsage(usage),
      ...keptBody(kept, maxKeepBytes),
      atEventBoundary: kind === 'sse' && plain && boundary.atBlankLine(),
      decodeError: decoder.error,
    };
  };
  return {
    write(chunk) {
      if (settled !== null || idle) return;
      try {
        decoder.write(chunk);
      } catch {
        findings.malformedEvents += 1;
      }
    },
    end: () => (settled ??= settle(false)),
    abort: () => (settled ??= settle(true)),
  };
}

function noFindings(): Findings {
  return { model: null, messageId: null, usage: null, stopReason: null, errorType: null, sawMessageStop: false, malformedEvents: 0 };
}

function createSseReader(findings: Findings, maxEventChars: number): Reader {
  const utf8 = new TextDecoder();
  let stopped = false;
  const parser = createParser({
    maxBufferSize: maxEventChars,
    onEvent: (event) => {
      readEvent(findings, event);
    },
    onError: (error) => {
      // Unknown fields are tolerated; only an event too large to buffer stops the reading.
      if (error.type !== 'max-buffer-size-exceeded') return;
      stopped = true;
      findings.malformedEvents += 1;
    },
  });
  const feed = (text: string): void => {
    if (!stopped && text !== '') parser.feed(text);
  };
  return {
    push: (bytes) => {
      feed(utf8.decode(bytes, { stream: true }));
    },
    // An event without its closing blank line is discarded, as the SSE spec says, cut or not.
    finish: () => {
      feed(utf8.decode());
    },
  };
}

// Only these events are parsed; content deltas, pings and unknown events pass unread.
const READ_EVENTS = new Set(['message_start', 'message_delta', 'message_stop', 'error']);

function readEvent(findings: Findings, event: EventSourceMessage): void {
  const name = event.event ?? sniffType(event.data);
  if (name === undefined || !READ_EVENTS.has(name)) return;
  if (name === 'message_stop') {
    findings.sawMessageStop = true;
    return;
  }
  const json = parseJson(event.data);
  if (json === undefined) {
    findings.malformedEvents += 1;
  } else if (name === 'message_start') {
    applyMessage(findings, messageStartFromWire(json));
  } else if (name === 'message_delta') {
    const delta = messageDeltaFromWire(json);
    if (!delta.ok) findings.malformedEvents += 1;
    else applyUsage(findings, delta.value.usage, delta.value.stopReason);
  } else {
    const error = errorFromWire(json);
    if (error.ok) findings.errorType = error.value.errorType;
    else findings.malformedEvents += 1;
  }
}

/** The `type` of a data-only event (no `event:` line), read without parsing the whole JSON. */
function sniffType(data: string): string | undefined {
  return /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/.exec(data.slice(0, 64))?.[1];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function applyMessage(findings: Findings, read: ReturnType<typeof messageStartFromWire>): void {
  if (!read.ok) {
    if (read.invalid) findings.malformedEvents += 1;
    return;
  }
  const info: MessageInfo = read.value;
  findings.model = info.model ?? findings.model;
  findings.messageId = info.id ?? findings.messageId;
  applyUsage(findings, info.usage, info.stopReason);
}

/** Cumulative reports: each later one overlays the earlier ones field by field. */
function applyUsage(findings: Findings, usage: PartialUsage | null, stopReason: string | null): void {
  findings.stopReason = stopReason ?? findings.stopReason;
  if (usage === null) return;
  findings.usage = findings.usage === null ? usage : overlayUsage(findings.usage, usage);
}

function createJsonReader(findings: Findings, body: Collector, maxBytes: number): Reader {
  return {
    push: (bytes) => {
      body.push(bytes);
    },
    finish: (cut) => {
      // Past the limit the copy is incomplete and cannot parse: usage stays unknown.
      if (body.truncated || body.size > maxBytes) return;
      const json = parseJson(body.text());
      if (json === undefined) {
        if (!cut) findings.malformedEvents += 1;
        return;
      }
      const message = messageFromWire(json);
      if (message.ok || message.invalid) {
        applyMessage(findings, message);
        return;
      }
      const error = errorFromWire(json);
      if (error.ok) findings.errorType = error.value.errorType;
    },
  };
}

interface Collector {
  push(bytes: Buffer): void;
  text(): string;
  /** The text of the first `limit` bytes (without a character cut in half). */
  prefix(limit: number): string;
  readonly size: number;
  readonly truncated: boolean;
}

function keptBody(kept: Collector | null, limit: number): Pick<TapResult, 'body' | 'bodyTruncated'> {
  if (kept === null) return { body: '', bodyTruncated: false };
  if (kept.size > limit) return { body: kept.prefix(limit), bodyTruncated: true };
  return { body: kept.text(), bodyTruncated: kept.truncated };
}

/** A bounded side copy of decoded bytes; its text is decoded once. */
function createCollector(limit: number): Collector {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  let decoded: string | null = null;
  return {
    push(bytes) {
      const room = limit - size;
      if (bytes.length > room) truncated = true;
      if (room <= 0) return;
      // A copy, so a kept chunk does not pin the larger buffer it may be a view of.
      const part = Buffer.from(bytes.subarray(0, room));
      chunks.push(part);
      size += part.length;
    },
    // When truncated, `stream: true` drops a character cut in half instead of inventing U+FFFD.
    text: () => (decoded ??= new TextDecoder().decode(Buffer.concat(chunks, size), { stream: truncated })),
    prefix: (cut) => new TextDecoder().decode(Buffer.concat(chunks, size).subarray(0, cut), { stream: true }),
    get size() {
      return size;
    },
    get truncated() {
      return truncated;
    },
  };
}

/** Whether the bytes so far end with an empty line (CR, LF or CRLF twice: html.spec.whatwg.org, "event stream interpretation"). */
function createBoundaryTracker(): { push(bytes: Buffer): void; atBlankLine(): boolean } {
  let tail = '';
  return {
    push(bytes) {
      if (bytes.length === 0) return;
      tail = (tail + bytes.subarray(Math.max(0, bytes.length - 4)).toString('latin1')).slice(-4);
    },
    atBlankLine() {
      if (tail === '') return true;
      const withoutLast = tail.endsWith('\r\n') ? tail.slice(0, -2) : tail.slice(0, -1);
      const last = tail.at(-1);
      const before = withoutLast.at(-1);
      return (last === '\n' || last === '\r') && (before === '\n' || before === '\r');
    },
  };
}
