import { McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { FileStore } from '@mcp-oauth/token-store';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { SdkProvider } from './sdk-provider.js';

/** A connected client of one side of the storm: `call` makes one tool call, `close` ends it. */
export interface StormClient {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

export const STORM_SERVER = 'bench';

/** The config of our side: the file store in `home`, as the CLI uses it. */
export function stormConfigToml(mcpUrl: string): string {
  return `mcp_oauth_credentials_store = "file"\n\n[mcp_servers.${STORM_SERVER}]\nurl = "${mcpUrl}"\n`;
}

/** Our client on the file store in `home`, connected. */
export async function connectOurs(mcpUrl: string, home: string): Promise<StormClient> {
  const client = new McpOAuthClient({
    config: parseConfig(stormConfigToml(mcpUrl)),
    store: new FileStore({ home }),
    home,
  });
  const session = await client.connect(STORM_SERVER);
  return {
    call: () => session.callTool({ name: 'echo', arguments: { text: 'storm' } }),
    close: async () => {
      await session.close();
      await client.close();
    },
  };
}

/** The SDK client with `provider` (its `auth()` refreshes on a 401), connected. */
export async function connectSdk(mcpUrl: string, provider: SdkProvider): Promise<StormClient> {
  const client = new Client({ name: 'sdk-storm', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
  return {
    call: () => client.callTool({ name: 'echo', arguments: { text: 'storm' } }),
    close: () => client.close(),
  };
}

/** A plain SDK client sending `token` in a static header: no store, no refresh. */
export async function connectStatic(mcpUrl: string, token: string): Promise<StormClient> {
  const client = new Client({ name: 'sdk-static', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return {
    call: () => client.callTool({ name: 'echo', arguments: { text: 'storm' } }),
    close: () => client.close(),
  };
}
