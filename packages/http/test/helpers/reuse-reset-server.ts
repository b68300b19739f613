import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A server that answers the first request of each connection with `Connection: keep-alive` and resets the
 * connection (TCP RST) when a second request arrives on it, without answering: what a client sees when it writes a
 * request to a kept-alive connection at the moment its server's keep-alive timeout closes it. Deterministic: no
 * timer decides when the connection dies, the reuse does.
 */
export interface ReuseResetServer {
  readonly origin: string;
  /** Connections accepted. */
  readonly connections: () => number;
  /** Requests received (method and path), answered or reset. */
  readonly requests: { method: string; url: string; reset: boolean }[];
  close(): Promise<void>;
}

export async function startReuseResetServer(keepAliveHeader = 'timeout=60'): Promise<ReuseResetServer> {
  const requests: ReuseResetServer['requests'] = [];
  const served = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const count = served.get(req.socket) ?? 0;
    served.set(req.socket, count + 1);
    const reset = count >= 1;
    requests.push({ method: req.method ?? '', url: req.url ?? '', reset });
    if (reset) {
      req.socket.resetAndDestroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive',
        'keep-alive': keepAliveHeader,
      });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
