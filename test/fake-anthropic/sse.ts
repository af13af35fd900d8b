// Writes server-sent events one chunk per event, optionally gzipped, honouring back-pressure.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { acceptsGzip, type Exchange, lowerKeys } from './exchange.js';
import type { SseEvent } from './types.js';

/** `event: X\ndata: {...}\n\n` — the framing the Messages API uses. */
export function formatSse(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** Resolves after `ms`, or earlier when the response closes (client gone or fake closing). */
export function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

/** Resolves true on 'drain', false if the stream closes first. */
function drained(stream: Writable, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = (): void => { res.off('close', onClose); resolve(true); };
    const onClose = (): void => { stream.removeListener('drain', onDrain); resolve(false); };
    stream.once('drain', onDrain);
    res.once('close', onClose);
  });
}

export interface ChunkSink {
  /** Resolves false once the response is gone, so writers can stop early. */
  write(chunk: string): Promise<boolean>;
  end(): void;
}

/** Opens the response body, gzipped when asked and accepted; each write is flushed as its own chunk. */
export function openSink(ex: Exchange, gzip: boolean): ChunkSink {
  const { res } = ex;
  if (!gzip || !acceptsGzip(ex)) {
    return {
      write: async (chunk) => !res.destroyed && (res.write(chunk) || drained(res, res)),
      end: () => { if (!res.destroyed) res.end(); },
    };
  }
  const gz = createGzip();
  gz.on('error', () => res.destroy());
  res.once('close', () => gz.destroy());
  gz.pipe(res);
  // A function, not a narrowed field: the response can be destroyed while a flush is awaited.
  const gone = (): boolean => res.destroyed || gz.destroyed;
  return {
    write: async (chunk) => {
      if (gone()) return false;
      const room = gz.write(chunk);
      // A sync flush pushes the compressed event out now, as a streaming gzip server would.
      await new Promise<void>((resolve) => {
        // Raced with 'close': a flush cut short by destroy() may never call back.
        res.once('close', resolve);
        gz.flush(constants.Z_SYNC_FLUSH, () => { res.off('close', resolve); resolve(); });
      });
      return !gone() && (room || drained(gz, res));
    },
    end: () => { if (!gz.destroyed) gz.end(); },
  };
}

export interface SseReply {
  status?: number | undefined;
  headers?: OutgoingHttpHeaders | undefined;
  delayMs?: number | undefined;
  gzip?: boolean | undefined;
  dieAfter?: number | undefined;
}

/** Starts a 200 event-stream response with the headers the real API sends. */
export function openSse(ex: Exchange, reply: SseReply): ChunkSink {
  const gzip = reply.gzip === true && acceptsGzip(ex);
  ex.res.writeHead(reply.status ?? 200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': ex.requestId,
    ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
    ...lowerKeys(reply.headers),
  });
  return openSink(ex, gzip);
}

/** Writes `events` as separate chunks, `delayMs` apart; stops quietly if the client leaves. */
export async function writeSse(ex: Exchange, events: Iterable<SseEvent>, reply: SseReply = {}): Promise<void> {
  const sink = openSse(ex, reply);
  let first = true;
  let written = 0;
  for (const event of events) {
    if (reply.dieAfter !== undefined && written >= reply.dieAfter) {
      // Let the events written so far leave, then die as a crashed upstream does: no clean end.
      await pause(20, ex.res);
      ex.selfClosed = true;
      ex.res.socket?.destroy();
      return;
    }
    if (!first && (reply.delayMs ?? 0) > 0) await pause(reply.delayMs ?? 0, ex.res);
    first = false;
    if (!(await sink.write(formatSse(event)))) return;
    written += 1;
  }
  sink.end();
}
