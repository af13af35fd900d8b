/** A small raw HTTP client for tests: exact headers out, raw headers and bytes back. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Sent exactly as given (Host included), as a flat list or an object. */
  headers?: Record<string, string | string[]> | string[];
  body?: string | Buffer;
  timeoutMs?: number;
}

/** Sends one request to `baseUrl` and collects the whole response, with a deadline. */
export function send(baseUrl: string, { method = 'GET', path, headers = {}, body, timeoutMs = 10_000 }: RawRequest): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  // Node adds Host itself only for object headers: a flat list gets it here, unless the test set one.
  const outgoing = Array.isArray(headers) && !hasHost(headers) ? ['Host', url.host, ...headers] : headers;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: `${url.pathname}${url.search}`, headers: outgoing, setHost: !hasHost(outgoing), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: bytes,
            text,
            json: <T,>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function hasHost(headers: Record<string, string | string[]> | string[]): boolean {
  const names = Array.isArray(headers) ? headers.filter((_, i) => i % 2 === 0) : Object.keys(headers);
  return names.some((name) => name.toLowerCase() === 'host');
}

/** The Anthropic error shape, for assertions. */
export interface ApiErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id: string;
}
