import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AuthInfo, createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { type ElicitationPages, registerElicitationTools } from './elicitation-tools.js';
import { TESTBED_TOOLS } from './mcp-tools.js';
import type { TokenClaims } from './token-verifier.js';

/** Serves one already-authorized MCP request; the caller has read the body and checked the token. */
export type McpRequestServer = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
  auth: AuthInfo,
) => Promise<void>;

interface ModernOptions {
  discoverTtlMs?: number;
  /** The server's origin, for the URL elicitation's page; with `pages`, the elicitation tools are served. */
  origin?: () => string;
  pages?: ElicitationPages;
}

function buildModernServer(options: ModernOptions): McpServer {
  const server = new McpServer(
    { name: 'mcp-oauth-testbed', version: '0.1.0' },
    { cacheHints: { 'server/discover': { ttlMs: options.discoverTtlMs ?? 0 } } },
  );
  const { echo, whoami, admin_echo } = TESTBED_TOOLS;
  server.registerTool(
    'echo',
    { description: echo.description, inputSchema: z.object(echo.input) },
    async (args) => echo.run(args),
  );
  server.registerTool('whoami', { description: whoami.description }, async (ctx) =>
    whoami.run((ctx.http?.authInfo?.extra?.claims ?? {}) as Partial<TokenClaims>),
  );
  server.registerTool(
    'admin_echo',
    { description: admin_echo.description, inputSchema: z.object(admin_echo.input) },
    async (args) => admin_echo.run(args),
  );
  if (options.origin && options.pages) registerElicitationTools(server, options.origin, options.pages);
  return server;
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/**
 * A 2026-07-28-only MCP endpoint on the SDK v2 server package (`createMcpHandler`, `legacy: 'reject'`): stateless,
 * no `initialize`, the protocol version and client info in every request's `_meta`, `server/discover`. A 2025-era
 * request (an `initialize`) is refused with the unsupported-protocol-version error naming 2026-07-28. Responses are
 * JSON (the tools send nothing before their result, so the default response mode never upgrades to SSE).
 * `discoverTtlMs` is the `ttlMs` cache hint of the `server/discover` answer (default 0: immediately stale). With
 * `origin` and `pages`, it also serves the elicitation tools `elicit_form` and `elicit_url` (elicitation-tools.ts).
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/lifecycle
 */
export function modernMcpHandler(options: ModernOptions = {}): {
  serve: McpRequestServer;
  close: () => Promise<void>;
} {
  const handler = createMcpHandler(() => buildModernServer(options), { legacy: 'reject' });
  return {
    async serve(req, res, url, raw, auth) {
      const request = new Request(url.href, { method: 'POST', headers: requestHeaders(req), body: raw });
      const response = await handler.fetch(request, { authInfo: auth });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      res.writeHead(response.status, headers);
      res.end(Buffer.from(await response.arrayBuffer()));
    },
    close: () => handler.close(),
  };
}
