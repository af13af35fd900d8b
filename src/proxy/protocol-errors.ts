/**
 * Answers for requests node:http handles before (or instead of) the request handler: unparseable
 * bytes, CONNECT, and an Expect other than 100-continue. Each gets the API's error shape rather than
 * Node's bare default or a silent close.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, apiErrorBody, createRequestId, sendApiError } from '../shared/api-error.js';

/** Writes an error in the API's shape straight to a socket node:http no longer manages, then closes it. */
function endWithApiError(socket: Duplex, status: number, message: string): void {
  const body = apiErrorBody('invalid_request_error', message, createRequestId());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Connections already being refused: Node reports every later chunk of a broken stream again. */
const refusing = new WeakSet<Duplex>();

/**
 * Requests Node's parser refuses (bad syntax, oversized headers, too slow) still get the API's error
 * shape. `pending` is the connection's latest answer: when a broken request was pipelined behind a
 * request still being answered, that answer is finished first and the refusal follows it, so it can
 * neither land inside a stream nor be taken as the earlier request's answer (RFC 9112 §9.3.2).
 */
export function answerMalformedRequest(error: NodeJS.ErrnoException, socket: Duplex, pending: ServerResponse | undefined): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (refusing.has(socket)) return;
  refusing.add(socket);
  const answer = (): void => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const tooLargeHeaders = error.code === 'HPE_HEADER_OVERFLOW';
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'HPE_HEADER_TIMEOUT';
    const status = tooLargeHeaders ? 431 : timedOut ? 408 : 400;
    endWithApiError(socket, status, tooLargeHeaders ? 'Request headers are too large.' : timedOut ? 'The request took too long to arrive.' : 'Malformed HTTP request.');
  };
  if (pending === undefined || pending.writableFinished || pending.destroyed) {
    answer();
    return;
  }
  if (!pending.req.complete) {
    // The broken bytes are the pending request's own (its body, or it is too slow): it can never complete.
    if (pending.headersSent) socket.destroy();
    else answer();
    return;
  }
  // A later, pipelined request broke: nothing more can be parsed, so stop reading while the earlier answer finishes.
  socket.pause();
  pending.once('close', answer);
}

/** CONNECT would otherwise drop the connection without a word: the proxy is not a tunnel. */
export function answerConnect(_req: IncomingMessage, socket: Duplex): void {
  endWithApiError(socket, 405, 'CONNECT is not supported: this is an API gateway, not a tunnelling proxy.');
}

/** RFC 9110 §10.1.1: an expectation other than 100-continue may be refused with 417, here in the API's shape. */
export function answerExpectation(_req: IncomingMessage, res: ServerResponse): void {
  sendApiError(res, new ApiError('invalid_request_error', 'Only "Expect: 100-continue" is supported.', 417), createRequestId());
}
