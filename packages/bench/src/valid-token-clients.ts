import { McpOAuthClient } from '@mcp-oauth/client';
import { parseConfig } from '@mcp-oauth/config';
import { type CredentialKey, FileStore } from '@mcp-oauth/token-store';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { STORM_SERVER, type StormClient, stormConfigToml } from './storm-clients.js';

/** The sides of benchmark `valid-token`. */
export const VALID_TOKEN_SIDES = ['ours', 'oursSession', 'staticBearer'] as const;
export type ValidTokenSide = (typeof VALID_TOKEN_SIDES)[number];

/** What our side asked of its credential store. */
export interface StoreOps {
  /** Full reads of the credential (`get`: read, parse, validate). */
  get: number;
  /** Change checks (`version`: one `stat` of `credentials.json`). */
  version: number;
}

/** The file store, counting what the client asks of it. */
export class CountingFileStore extends FileStore {
  ops: StoreOps = { get: 0, version: 0 };
  override get(key: CredentialKey) {
    this.ops.get++;
    return super.get(key);
  }
  override version(key: CredentialKey) {
    this.ops.version++;
    return super.version(key);
  }
}

export interface ValidTokenClient extends StormClient {
  /** Our side: the store's counters (reset with `ops.get = 0`…). */
  readonly store?: CountingFileStore;
}

/**
 * The SDK v2 client with our authorized fetch as its transport's fetch (`McpOAuthClient.fetchFor`, the file store
 * in `home`): the same client as the static side, only the authorization differs.
 */
export async function connectAuthorizedFetch(mcpUrl: string, home: string): Promise<ValidTokenClient> {
  const store = new CountingFileStore({ home });
  const oauth = new McpOAuthClient({ config: parseConfig(stormConfigToml(mcpUrl)), store, home });
  const client = new Client({ name: 'sdk-authorized-fetch', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), { fetch: oauth.fetchFor(STORM_SERVER) }),
  );
  return {
    store,
    call: () => client.callTool({ name: 'echo', arguments: { text: 'valid' } }),
    close: async () => {
      await client.close();
      await oauth.close();
    },
  };
}

/**
 * Our whole session (`McpOAuthClient.connect`, as the CLI uses it): the authorized fetch plus the session layer
 * (response-size cap, rate-limit explanation, per-request timeouts, protocol-era memory).
 */
export async function connectOursCounting(mcpUrl: string, home: string): Promise<ValidTokenClient> {
  const store = new CountingFileStore({ home });
  const client = new McpOAuthClient({ config: parseConfig(stormConfigToml(mcpUrl)), store, home });
  const session = await client.connect(STORM_SERVER);
  return {
    store,
    call: () => session.callTool({ name: 'echo', arguments: { text: 'valid' } }),
    close: async () => {
      await session.close();
      await client.close();
    },
  };
}

/**
 * The SDK v2 client (`@modelcontextprotocol/client`, the one our client runs on) with the stored token read once
 * and sent in a static `Authorization: Bearer` header: no store, no refresh, no 401 handling.
 */
export async function connectStaticBearer(mcpUrl: string, home: string): Promise<ValidTokenClient> {
  const store = new FileStore({ home });
  const [key] = await store.list();
  const record = key === undefined ? null : await store.get(key);
  await store.close();
  if (record === null) throw new Error('static bearer: no stored token');
  const client = new Client({ name: 'sdk-static-bearer', version: '0.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${record.access_token}` } },
    }),
  );
  return {
    call: () => client.callTool({ name: 'echo', arguments: { text: 'valid' } }),
    close: () => client.close(),
  };
}

export function connectSide(side: ValidTokenSide, mcpUrl: string, home: string): Promise<ValidTokenClient> {
  if (side === 'ours') return connectAuthorizedFetch(mcpUrl, home);
  if (side === 'oursSession') return connectOursCounting(mcpUrl, home);
  return connectStaticBearer(mcpUrl, home);
}
