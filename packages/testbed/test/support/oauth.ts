// Minimal OAuth client steps for the testbed's own tests. Deliberately independent of the runtime packages:
// the testbed is what those packages are tested against, so it must not be tested with them.
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export const REDIRECT_URI = 'http://127.0.0.1:45678/callback/test';

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function metadata(issuerMetadataUrl: string) {
  return (await getJson(issuerMetadataUrl)).body as Record<string, string> & { scopes_supported?: string[] };
}

export async function register(registrationEndpoint: string): Promise<string> {
  const res = await fetch(registrationEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      application_type: 'native',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
  const body = (await res.json()) as { client_id?: string };
  if (res.status !== 201 || !body.client_id) throw new Error(`registration failed: ${res.status}`);
  return body.client_id;
}

export function authorizeUrl(
  endpoint: string,
  params: Record<string, string | undefined>,
): { url: string; verifier: string; state: string } {
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('base64url');
  const url = new URL(endpoint);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.append(k, v);
  return { url: url.href, verifier, state };
}

export interface TokenResponse {
  status: number;
  body: {
    access_token?: string;
    refresh_token?: string;
    expires_in?: number;
    scope?: string;
    error?: string;
    error_description?: string;
  };
}

export async function tokenRequest(
  endpoint: string,
  params: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<TokenResponse> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.append(k, v);
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as TokenResponse['body'] };
}

export function codeFrom(callbackUrl: string): {
  code: string | null;
  state: string | null;
  iss: string | null;
  error: string | null;
} {
  const u = new URL(callbackUrl);
  return {
    code: u.searchParams.get('code'),
    state: u.searchParams.get('state'),
    iss: u.searchParams.get('iss'),
    error: u.searchParams.get('error'),
  };
}

/** Calls a tool through the official SDK client with a fixed bearer token. */
export async function callTool(
  mcpUrl: string,
  token: string | undefined,
  name: string,
  args: Record<string, unknown> = {},
) {
  const client = new Client({ name: 'testbed-test', version: '0' });
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  try {
    return await client.callTool({ name, arguments: args });
  } finally {
    await client.close();
  }
}

/** POSTs a raw JSON-RPC request and returns status and WWW-Authenticate (no SDK in between). */
export async function rawMcp(
  mcpUrl: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), text };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } },
};
