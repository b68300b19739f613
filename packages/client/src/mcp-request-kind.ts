import type { RequestKind } from '@mcp-oauth/http';

/**
 * MCP methods that change nothing on the server, so a request lost with its connection may be sent again:
 * discovery, liveness and the list methods. Everything else (`initialize`, which opens a session; `tools/call`;
 * `resources/read` and `prompts/get`, which a server may implement with effects; notifications; answers to the
 * server's requests) is sent again only when nothing was sent.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/utilities/ping
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#listing-tools
 */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  'server/discover',
  'ping',
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
]);

/**
 * The {@link RequestKind} of one HTTP request of an MCP session (Streamable HTTP), for `createPooledFetch`:
 * `mcp_idempotent` for the GET of the event stream, the DELETE that ends a session and a POST of one JSON-RPC
 * request whose method is in {@link IDEMPOTENT_METHODS}; `mcp_other` otherwise (a batch, a body that is not
 * JSON-RPC, any other method).
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
export function mcpRequestKind(_url: string | URL, init: RequestInit | undefined): RequestKind {
  const method = (init?.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') return 'mcp_idempotent';
  if (typeof init?.body !== 'string') return 'mcp_other';
  let message: unknown;
  try {
    message = JSON.parse(init.body);
  } catch {
    return 'mcp_other';
  }
  const rpcMethod = (message as { method?: unknown } | null)?.method;
  return typeof rpcMethod === 'string' && !Array.isArray(message) && IDEMPOTENT_METHODS.has(rpcMethod)
    ? 'mcp_idempotent'
    : 'mcp_other';
}
