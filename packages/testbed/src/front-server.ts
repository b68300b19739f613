import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knobs } from './knobs.js';
import type { LoggedRequest, RequestLog } from './request-log.js';

/** What every testbed server adds around its own handler: request log, latency, scripted failures, lifecycle. */
export interface FrontServerOptions {
  /** Server name in the request log. */
  name: string;
  log: RequestLog;
  knobs: Knobs;
  /** Port on 127.0.0.1; default 0 (the OS chooses). */
  port?: number;
  /**
   * Connections the kernel queues before the server accepts them (`listen` backlog, capped by the system's
   * `somaxconn`). Default Node's, 511. A client opening more connections at once than this, while the server's event
   * loop is busy, has the rest refused until a SYN-ACK retransmission (about 1 s later).
   */
  backlog?: number;
  /** Names the endpoint a request is for (as it appears in the log and in {@link Knobs.fail}). */
  classify: (req: IncomingMessage, url: URL) => string;
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;
}

export interface FrontServer {
  readonly server: Server;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const entries = new WeakMap<IncomingMessage, LoggedRequest>();

/** Records the parsed form body of a request in its log entry (called by the handler that parsed it). */
export function noteBody(req: IncomingMessage, body: Record<string, string[]>): void {
  const entry = entries.get(req);
  if (entry) Object.assign(entry.body, body);
}

/** Adds a detail to a request's log entry (e.g. the JSON-RPC method of an MCP request). */
export function noteDetail(req: IncomingMessage, key: string, value: string): void {
  const entry = entries.get(req);
  if (entry) entry.detail[key] = value;
}

export function searchParamsToRecord(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of params) {
    const list = out[k] ?? [];
    list.push(v);
    out[k] = list;
  }
  return out;
}

/** Reads a request body (bounded to 1 MiB) as a string. */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const LOGGED_HEADERS = [
  'authorization',
  'dpop',
  'content-type',
  'accept',
  'user-agent',
  'mcp-protocol-version',
];

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function applyFailure(
  res: ServerResponse,
  req: IncomingMessage,
  mode: NonNullable<ReturnType<Knobs['take']>>,
) {
  switch (mode.kind) {
    case 'status': {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (mode.retryAfterSec !== undefined) headers['retry-after'] = String(mode.retryAfterSec);
      res.writeHead(mode.status, headers);
      res.end(JSON.stringify(mode.body ?? { error: 'server_error', error_description: 'scripted failure' }));
      return;
    }
    case 'reset':
      req.socket.destroy();
      return;
    case 'stall':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"stalled":');
      return;
    case 'hang':
      return;
  }
}

/** Starts an HTTP server on 127.0.0.1 that logs every request and applies the knobs before `handler`. */
export async function startFrontServer(options: FrontServerOptions): Promise<FrontServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const endpoint = options.classify(req, url);
    const headers: Record<string, string> = {};
    for (const h of LOGGED_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const entry = options.log.add({
      server: options.name,
      endpoint,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: searchParamsToRecord(url.searchParams),
      body: {},
      headers,
      status: 0,
      detail: {},
    });
    entries.set(req, entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    void (async () => {
      if (options.knobs.latencyMs > 0) await sleep(options.knobs.latencyMs);
      const failure = options.knobs.take(endpoint);
      if (failure) return applyFailure(res, req, failure);
      await options.handler(req, res, url);
    })().catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: 'server_error', error_description: String((err as Error)?.message) }),
        );
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(
      {
        port: options.port ?? 0,
        host: '127.0.0.1',
        ...(options.backlog ? { backlog: options.backlog } : {}),
      },
      () => resolve(),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
