/**
 * Reference point for the bench: the thinnest useful HTTP proxy (node:http in, http.request out over
 * a keep-alive agent, bodies piped both ways, no auth, no logging). Child process; argv: upstream URL.
 */
import { Agent, createServer, request } from 'node:http';
import process from 'node:process';
import { URL } from 'node:url';
import { serveChild } from './lib/child-side.mjs';

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1');
const agent = new Agent({ keepAlive: true, maxFreeSockets: 512 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const withoutHopByHop = (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

const server = createServer((req, res) => {
  const options = { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, agent };
  const outgoing = request({ ...options, headers: { ...withoutHopByHop(req.headers), host: upstream.host } }, (incoming) => {
    res.writeHead(incoming.statusCode ?? 502, withoutHopByHop(incoming.headers));
    incoming.pipe(res);
  });
  outgoing.on('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end();
  });
  res.on('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  req.pipe(outgoing);
});
server.keepAliveTimeout = 60_000;
serveChild(server);
