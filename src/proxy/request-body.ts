/**
 * The client's request body on its way upstream: streamed, counted against the API's size limit
 * without buffering, and kept in memory only when a replay may be needed (an OAuth 401 retry).
 */
import type { IncomingMessage } from 'node:http';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '../shared/api-error.js';

/** The Messages API's own limit (32 MB), answered with 413 request_too_large. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function tooLarge(): ApiError {
  return new ApiError('request_too_large', `Request exceeds the maximum allowed number of bytes (${MAX_BODY_BYTES}).`);
}

/** True when the request carries a body (RFC 9112 §6.3): a Content-Length above 0 or a Transfer-Encoding. */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * Reads the body as it passes and may refuse it at its end. The last chunk is held back until then,
 * so a refused request never reaches the upstream whole (it is cut off, and never processed).
 */
export interface BodyCheck {
  write(chunk: Buffer): void;
  end(): ApiError | null;
}

export class RequestBody {
  /** Bytes read from the client so far. */
  bytesRead = 0;
  private readonly retained: Buffer[] | null;
  private complete = false;

  private readonly onChunk: ((chunk: Buffer) => void) | undefined;
  private readonly check: BodyCheck | undefined;

  constructor(
    private readonly req: IncomingMessage,
    options: { retain: boolean; onChunk?: (chunk: Buffer) => void; check?: BodyCheck | undefined },
  ) {
    this.retained = options.retain ? [] : null;
    this.onChunk = options.onChunk;
    this.check = options.check;
  }

  /** The first pass: reads the client as the upstream consumes it. */
  stream(): Readable {
    const { check } = this;
    let held: Buffer | null = null;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) => {
        this.bytesRead += chunk.length;
        if (this.bytesRead > MAX_BODY_BYTES) {
          done(tooLarge());
          return;
        }
        this.retained?.push(chunk);
        if (check === undefined) {
          done(null, chunk);
        } else {
          check.write(chunk);
          const previous = held;
          held = chunk;
          done(null, previous ?? undefined);
        }
        // Only the first pass is reported: a replay sends the same bytes again.
        if (!this.complete) this.onChunk?.(chunk);
      },
      flush: (done: TransformCallback) => {
        const refused = check?.end() ?? null;
        if (refused !== null) {
          done(refused);
          return;
        }
        this.complete = true;
        done(null, held ?? undefined);
      },
    });
    // pipe() (not an async iterator) so that a failed upload never destroys the client's socket.
    this.req.pipe(counter);
    this.req.once('aborted', () => counter.destroy(new Error('client aborted the upload')));
    return counter;
  }

  /** True once the whole body was read and kept, so it can be sent again. */
  get canReplay(): boolean {
    return this.retained !== null && this.complete;
  }

  /** A second pass over the same bytes, when the whole body was kept; otherwise null. */
  replay(): Readable | null {
    if (this.retained === null || !this.complete) return null;
    return Readable.from(this.retained, { objectMode: false });
  }
}
