// A scriptable hostile world on 127.0.0.1: one HTTP server that is both an MCP server (Streamable HTTP, JSON
// answers) and its authorization server (RFC 9728 PRM, RFC 8414 metadata, dynamic registration, an authorize
// endpoint that approves at once for `login --headless`, a token endpoint). Every answer can be replaced by a
// test (`world.script.set(path, handler)`), so one test plays one hostile server. The testbed's servers are the
// honest ones; this one lies on purpose and stays small.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One answer a test scripts: replaces the default handler of a path. */
export type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A JSON-RPC request the MCP endpoint received. */
export interface RpcRequest {
  readonly id?: string | number;
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

/** A world served over https under a name that is not loopback (see `tls-world.ts`). */
export interface HostileWorldOptions {
  /** Certificate and key of `hostname`; the world then listens with https. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The host name in `origin` (it must resolve to 127.0.0.1 for the client). Default `127.0.0.1`. */
  readonly hostname?: string;
}

export interface HostileWorld {
  readonly origin: string;
  /**
   * With `tls`: the same world also on plain http at 127.0.0.1 (same handlers, same tokens), for endpoints a
   * hostile https server names on the user's machine. Otherwise equal to `origin`.
   */
  readonly loopbackOrigin: string;
  /** The MCP endpoint, `${origin}/mcp`. */
  readonly mcpUrl: string;
  /** Scripted answers by path (`/token`, `/mcp`, `/.well-known/oauth-authorization-server`, …). */
  readonly script: Map<string, Handler>;
  /** Scripted results by JSON-RPC method (`tools/list`, `tools/call`), used by the default `/mcp` handler. */
  readonly rpc: Map<string, (request: RpcRequest) => unknown>;
  /** Every token, refresh token, code and client secret this world issued (no output may contain one). */
  readonly issued: string[];
  /** The path of every request received, in order. */
  readonly hits: string[];
  /** Overrides of fields of the token response (`{ expires_in: 1e300 }`). */
  tokenFields: Record<string, unknown>;
  close(): Promise<void>;
}

function json(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

function secret(prefix: string, issued: string[]): string {
  const value = `${prefix}-${randomBytes(16).toString('hex')}`;
  issued.push(value);
  return value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the world on an OS-chosen port of 127.0.0.1. */
export async function startHostileWorld(options: HostileWorldOptions = {}): Promise<HostileWorld> {
  const script = new Map<string, Handler>();
  const rpc = new Map<string, (request: RpcRequest) => unknown>();
  const issued: string[] = [];
  const tokens = new Set<string>();
  let origin = '';
  const hits: string[] = [];
  const world = {
    hits,
    script,
    rpc,
    issued,
    tokenFields: {} as Record<string, unknown>,
  };

  const defaults: Record<string, Handler> = {
    '/.well-known/oauth-protected-resource/mcp': (_req, _body, res) =>
      json(res, 200, { resource: `${origin}/mcp`, authorization_servers: [origin] }),
    '/.well-known/oauth-authorization-server': (_req, _body, res) =>
      json(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        registration_endpoint: `${origin}/register`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      }),
    '/register': (_req, body, res) => {
      const metadata = JSON.parse(body) as Record<string, unknown>;
      json(res, 201, { ...metadata, client_id: `client-${randomBytes(4).toString('hex')}` });
    },
    '/authorize': (req, _body, res) => {
      const url = new URL(req.url ?? '/', origin);
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      redirect.searchParams.set('code', secret('code', issued));
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      redirect.searchParams.set('iss', origin);
      res.writeHead(302, { location: redirect.href });
      res.end();
    },
    '/token': (_req, _body, res) => {
      const access = secret('access', issued);
      tokens.add(access);
      json(res, 200, {
        access_token: access,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: secret('refresh', issued),
        scope: 'mcp',
        ...world.tokenFields,
      });
    },
    '/mcp': (req, body, res) => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer === undefined || !tokens.has(bearer)) {
        res.writeHead(401, {
          'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
        });
        res.end();
        return;
      }
      const message = JSON.parse(body) as RpcRequest;
      if (message.id === undefined) {
        res.writeHead(202);
        res.end();
        return;
      }
      const handler = rpc.get(message.method);
      const result =
        handler !== undefined
          ? handler(message)
          : message.method === 'initialize'
            ? {
                protocolVersion: message.params?.protocolVersion,
                capabilities: { tools: {} },
                serverInfo: { name: 'hostile', version: '1.0.0' },
              }
            : message.method === 'tools/list'
              ? { tools: [{ name: 'echo', description: 'echoes', inputSchema: { type: 'object' } }] }
              : {};
      json(res, 200, { jsonrpc: '2.0', id: message.id, result });
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(path);
    readBody(req).then(
      (body) => {
        // The client may open a GET stream or send a DELETE at the end of a session: this server has neither.
        if (path === '/mcp' && req.method !== 'POST') {
          res.writeHead(405);
          res.end();
          return;
        }
        const handler = script.get(path) ?? defaults[path];
        if (handler === undefined) {
          res.writeHead(404);
          res.end();
          return;
        }
        handler(req, body, res);
      },
      () => res.destroy(),
    );
  };
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const servers: Server[] = [];
  if (options.tls === undefined) {
    servers.push(createServer(handle));
    origin = `http://127.0.0.1:${await listen(servers[0] as Server)}`;
  } else {
    servers.push(createHttpsServer(options.tls, handle), createServer(handle));
    origin = `https://${options.hostname ?? '127.0.0.1'}:${await listen(servers[0] as Server)}`;
  }
  const loopbackOrigin = servers[1] === undefined ? origin : `http://127.0.0.1:${await listen(servers[1])}`;
  return Object.assign(world, {
    origin,
    loopbackOrigin,
    mcpUrl: `${origin}/mcp`,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      ).then(() => {}),
  });
}
