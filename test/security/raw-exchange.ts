/**
 * One raw TCP connection per corpus case: the bytes go out exactly as generated (with back-pressure),
 * and whatever comes back is split into HTTP/1.1 responses by a small parser that trusts nothing.
 */
import { connect } from 'node:net';

export interface ParsedResponse {
  status: number;
  /** Lower-cased names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
}

export interface ConnectionResult {
  responses: ParsedResponse[];
  /**
   * closed: the server closed the connection; enough: every request got its answer; idle: the
   * connection stayed open with nothing more coming.
   */
  end: 'closed' | 'enough' | 'idle';
  /** Bytes after the last complete response (a truncated or unparseable answer). */
  leftover: number;
  /** The write failed (the server closed while the client was still sending). */
  writeError: string | undefined;
  ms: number;
}

export interface ExchangeOptions {
  port: number;
  chunks: Iterable<Buffer>;
  /** The methods of the requests, in order: a HEAD answer has no body. */
  methods: string[];
  /** Wait after the last byte when nothing is answered yet. */
  silentMs: number;
  /** Wait after a complete answer for more (keep-alive). */
  lingerMs: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

function chunkedLength(buf: Buffer, start: number): { bodyEnd: number; body: Buffer } | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(buf.toString('latin1', at, lineEnd).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) return null;
    if (size === 0) {
      // Trailers (none expected) end with an empty line.
      const end = buf.indexOf(HEAD_END, lineEnd);
      if (buf.subarray(lineEnd, lineEnd + 4).equals(HEAD_END)) return { bodyEnd: lineEnd + 4, body: Buffer.concat(parts) };
      return end === -1 ? null : { bodyEnd: end + 4, body: Buffer.concat(parts) };
    }
    if (buf.length < lineEnd + 2 + size + 2) return null;
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Splits `buf` into complete responses; `closed` lets a length-less body run to the end. */
export function parseResponses(buf: Buffer, methods: string[], closed: boolean): { responses: ParsedResponse[]; leftover: number } {
  const responses: ParsedResponse[] = [];
  let at = 0;
  while (at < buf.length) {
    const headEnd = buf.indexOf(HEAD_END, at);
    if (headEnd === -1) break;
    const lines = buf.toString('latin1', at, headEnd).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1];
    if (status === undefined) break;
    const headers: Record<string, string[]> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      (headers[name] ??= []).push(line.slice(colon + 1).trim());
    }
    const code = Number(status);
    let bodyStart = headEnd + 4;
    if (code >= 100 && code < 200) {
      at = bodyStart;
      continue;
    }
    const method = (methods[responses.length] ?? 'GET').toUpperCase();
    let body: Buffer;
    if (method === 'HEAD' || code === 204 || code === 304) {
      body = Buffer.alloc(0);
    } else if ((headers['transfer-encoding'] ?? []).join(',').toLowerCase().includes('chunked')) {
      const chunked = chunkedLength(buf, bodyStart);
      if (chunked === null) break;
      body = chunked.body;
      bodyStart = chunked.bodyEnd;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'][0]);
      if (buf.length < bodyStart + length) break;
      body = buf.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    } else {
      if (!closed) break;
      body = buf.subarray(bodyStart);
      bodyStart = buf.length;
    }
    responses.push({ status: code, headers, body: Buffer.from(body) });
    at = bodyStart;
  }
  return { responses, leftover: buf.length - at };
}

/** Writes the case's bytes on a fresh connection and collects the answers, with deadlines. */
export function exchangeRaw(options: ExchangeOptions): Promise<ConnectionResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(options.port, '127.0.0.1');
    const received: Buffer[] = [];
    let writeError: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;

    const finish = (end: ConnectionResult['end']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseResponses(Buffer.concat(received), options.methods, end === 'closed');
      resolve({ ...parsed, end, writeError, ms: Date.now() - started });
    };
    const arm = (): void => {
      clearTimeout(timer);
      const parsed = parseResponses(Buffer.concat(received), options.methods, false);
      if (parsed.responses.length >= options.methods.length && parsed.leftover === 0) {
        finish('enough');
        return;
      }
      timer = setTimeout(() => { finish('idle'); }, parsed.responses.length > 0 && parsed.leftover === 0 ? options.lingerMs : options.silentMs);
    };

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      arm();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      writeError ??= error.code ?? error.message;
    });
    socket.on('close', () => { finish('closed'); });
    socket.once('connect', () => {
      void writeAll(socket, options.chunks).then(
        () => { if (!settled) arm(); },
        (error: unknown) => {
          writeError ??= error instanceof Error ? error.message : String(error);
        },
      );
    });
  });
}

async function writeAll(socket: ReturnType<typeof connect>, chunks: Iterable<Buffer>): Promise<void> {
  for (const chunk of chunks) {
    if (socket.destroyed || !socket.writable) return;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}
