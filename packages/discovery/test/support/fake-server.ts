// A tiny HTTP server on 127.0.0.1 for answers the testbed does not produce: HTML pages, cross-origin
// redirects, malformed challenges, Cache-Control headers. Each route is a function of the request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface FakeServer {
  readonly origin: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function json(body: unknown, headers: Record<string, string> = {}): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

export function html(): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><body>Welcome to our app</body></html>');
  };
}

export function redirect(location: string): Route {
  return (_req, res) => {
    res.writeHead(302, { location });
    res.end();
  };
}

export function challenge(wwwAuthenticate: string, status = 401): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': wwwAuthenticate });
    res.end('{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}');
  };
}

/** A valid authorization-server metadata document for `issuer`. */
export function asMetadata(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  };
}

/** Never answers; counts the connections the client closed. */
export function hang(closed: { count: number }): Route {
  return (req) => {
    req.socket.on('close', () => {
      closed.count += 1;
    });
  };
}
