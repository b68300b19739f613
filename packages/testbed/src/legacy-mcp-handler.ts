import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { TESTBED_TOOLS } from './mcp-tools.js';
import type { McpRequestServer } from './modern-mcp-handler.js';
import type { TokenClaims } from './token-verifier.js';

function buildLegacyServer(): McpServer {
  const server = new McpServer({ name: 'mcp-oauth-testbed', version: '0.1.0' });
  const { echo, whoami, admin_echo } = TESTBED_TOOLS;
  server.registerTool('echo', { description: echo.description, inputSchema: echo.input }, async (args) =>
    echo.run(args),
  );
  server.registerTool('whoami', { description: whoami.description }, async (extra) =>
    whoami.run((extra.authInfo?.extra?.claims ?? {}) as Partial<TokenClaims>),
  );
  server.registerTool(
    'admin_echo',
    { description: admin_echo.description, inputSchema: admin_echo.input },
    async (args) => admin_echo.run(args),
  );
  return server;
}

/**
 * A 2025-11-25 MCP endpoint on the official SDK 1.32 (Streamable HTTP, stateless, JSON responses): the `initialize`
 * handshake, then requests. It answers a 2026-07-28 `server/discover` probe with an error, so a negotiating client
 * falls back to `initialize`.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle
 */
export function legacyMcpHandler(): { serve: McpRequestServer; close: () => Promise<void> } {
  return {
    async serve(req, res, _url, raw, auth) {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const server = buildLegacyServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(Object.assign(req, { auth: auth as AuthInfo }), res, body);
    },
    close: async () => {},
  };
}
