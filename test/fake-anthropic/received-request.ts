// Turns an incoming node:http request into the ReceivedRequest record tests inspect.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ReceivedRequest } from './types.js';

function copyHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** The whole body, or undefined when the client left before sending all of it. */
export async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch {
    return undefined;
  }
  return req.complete ? Buffer.concat(chunks) : undefined;
}

export function newRecord(req: IncomingMessage): ReceivedRequest {
  const url = req.url ?? '/';
  return {
    method: req.method ?? 'GET',
    url,
    path: url.split('?', 1)[0] ?? url,
    headers: copyHeaders(req.headers),
    rawHeaders: [...req.rawHeaders],
    body: Buffer.alloc(0),
    aborted: false,
    completed: false,
  };
}
