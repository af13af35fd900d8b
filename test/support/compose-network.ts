/**
 * The compose network's names on a host without Docker: an HTTP forward proxy (clients use it via
 * HTTP_PROXY) that sends `http://proxy:3000/…` to a local port with the Host header left as the
 * client wrote it, so the proxy sees exactly what it sees in compose ("proxy:3000").
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ComposeNetwork {
  /** For HTTP_PROXY. */
  url: string;
  /** `host:port` of every request that came through. */
  seen: string[];
  close(): Promise<void>;
}

/** `names` maps `proxy:3000` style authorities to local ports. */
export async function startComposeNetwork(names: Record<string, number>): Promise<ComposeNetwork> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    seen.push(target.host);
    const port = names[target.host];
    if (port === undefined) {
      res.writeHead(502).end(`no such service: ${target.host}`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.rawHeaders);
      response.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
