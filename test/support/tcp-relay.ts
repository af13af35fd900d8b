/** A TCP relay in front of a real server (PostgreSQL) that a test can stop and restart on the same port: an outage on demand. */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  /** The relay's port on 127.0.0.1; stays the same across stop() and start(). */
  readonly port: number;
  /** `url` with its host and port replaced by the relay's. */
  rewrite(url: string): string;
  /** Stops listening and destroys every relayed connection, both sides: the server is "down". */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Connections accepted since the relay was created. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | null = null;

  const relay = (client: Socket): void => {
    accepted += 1;
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const next = createServer(relay);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        server = next;
        const address = next.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });

  const stop = async (): Promise<void> => {
    const current = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (current !== null) await new Promise<void>((resolve) => current.close(() => { resolve(); }));
  };

  const port = await listen(0);
  return {
    port,
    rewrite(url) {
      const rewritten = new URL(url);
      rewritten.hostname = '127.0.0.1';
      rewritten.port = String(port);
      return rewritten.toString();
    },
    stop,
    async start() {
      if (server === null) await listen(port);
    },
    accepted: () => accepted,
    close: stop,
  };
}
