// Shared steps of the flow tests: real servers from @mcp-oauth/testbed, the real http client, this package's API.
import { createHttpClient, type HttpClient } from '@mcp-oauth/http';
import { headlessUserAgent, type UserAgentOptions } from '@mcp-oauth/testbed';
import {
  type AuthorizationServerMetadata,
  type ExtraAuthorizeParams,
  type OAuthClient,
  type PendingAuthorization,
  startAuthorization,
} from '../../src/index.js';

/** The loopback redirect URI the flows register; nothing listens there (the headless agent returns the URL). */
export const REDIRECT_URI = 'http://127.0.0.1:45678/callback/authorize-test';

export function httpClient(): HttpClient {
  return createHttpClient();
}

export async function asMetadata(http: HttpClient, url: string): Promise<AuthorizationServerMetadata> {
  return (await http.getJson(url)).json as AuthorizationServerMetadata;
}

export async function protectedResource(
  http: HttpClient,
  url: string,
): Promise<{ resource: string; scopes_supported?: string[]; authorization_servers: string[] }> {
  return (await http.getJson(url)).json as {
    resource: string;
    scopes_supported?: string[];
    authorization_servers: string[];
  };
}

/** Starts a login, lets the headless user agent sign in and consent, returns the callback URL and the pending login. */
export async function browserLogin(
  as: AuthorizationServerMetadata,
  client: OAuthClient,
  request: {
    scopes?: readonly string[];
    resource?: string | undefined;
    extraParams?: ExtraAuthorizeParams;
    redirectUri?: string;
  },
  agent: UserAgentOptions = {},
): Promise<{ url: URL; pending: PendingAuthorization; callback: string }> {
  const { url, pending } = startAuthorization({
    as,
    clientId: client.clientId,
    redirectUri: request.redirectUri ?? REDIRECT_URI,
    scopes: request.scopes,
    resource: request.resource,
    extraParams: request.extraParams,
  });
  const callback = await headlessUserAgent(agent).authorize(url.href);
  return { url, pending, callback };
}

/** One MCP `initialize` POST with a bearer token: the status and the challenge. */
export async function mcpInitialize(
  mcpUrl: string,
  token: string,
): Promise<{ status: number; challenge: string | null }> {
  const res = await fetch(mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'authorize-test', version: '0' },
      },
    }),
  });
  await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate') };
}
