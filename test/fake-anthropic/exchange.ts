// One request/response pair inside the fake, and the plain JSON writer every route shares.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { ReceivedRequest } from './types.js';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: ReceivedRequest;
  requestId: string;
  /** Set before the fake destroys the socket itself, so that is not mistaken for a client abort. */
  selfClosed: boolean;
}

export interface SendOptions {
  headers?: OutgoingHttpHeaders | undefined;
  gzip?: boolean | undefined;
}

/** True when the request's accept-encoding lists gzip without `q=0` (RFC 9110 §12.5.3). */
export function acceptsGzip(ex: Exchange): boolean {
  const header = ex.req.headers['accept-encoding'] ?? '';
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    return coding === 'gzip' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** Lowercases header names so scripted headers override defaults instead of duplicating them. */
export function lowerKeys(headers: OutgoingHttpHeaders | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** Writes a complete JSON response with a content-length; `request-id` is always set. */
export function sendJson(ex: Exchange, status: number, body: unknown, opts: SendOptions = {}): void {
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'request-id': ex.requestId,
    ...lowerKeys(opts.headers),
  };
  let payload = Buffer.from(JSON.stringify(body), 'utf8');
  if (opts.gzip === true && acceptsGzip(ex)) {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  headers['content-length'] = payload.length;
  ex.res.writeHead(status, headers);
  ex.res.end(payload);
}
