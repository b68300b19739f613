// Shared steps of the refresh flow tests: real servers from @mcp-oauth/testbed, a real login with
// @mcp-oauth/authorize and a headless user agent, real stores, the official MCP SDK client.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthorizationServerMetadata,
  type ClientRegistration,
  type ExtraAuthorizeParams,
  exchangeAuthorizationCode,
  memoryRegistrationCache,
  registrationClient,
  resolveClientRegistration,
  startAuthorization,
  type TokenSet,
} from '@mcp-oauth/authorize';
import { createHttpClient, type HttpClient } from '@mcp-oauth/http';
import type { RefresherEvent } from '@mcp-oauth/refresh';
import { headlessUserAgent, type LoggedRequest, paramValues, type RequestLog } from '@mcp-oauth/testbed';
import type { CredentialKey, CredentialRecord, CredentialStore } from '@mcp-oauth/token-store';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The loopback redirect URI of the logins; nothing listens there (the headless agent returns the callback URL). */
export const REDIRECT_URI = 'http://127.0.0.1:45679/callback/refresh-flows';

/**
 * An HTTP client whose body timeout is short, so a stalled answer (headers, part of a body, then nothing) fails an
 * attempt in half a second. The headers timeout stays generous: a request that timed out after the AS rotated the
 * refresh token would lose the new one (a slow answer under load must not look like a failure).
 */
export function flowHttp(): HttpClient {
  return createHttpClient({ timeouts: { headersMs: 10_000, bodyMs: 500, totalMs: 15_000 } });
}

export async function asMetadata(http: HttpClient, url: string): Promise<AuthorizationServerMetadata> {
  return (await http.getJson(url)).json as AuthorizationServerMetadata;
}

export function keyFor(serverName: string, serverUrl: string, issuer: string): CredentialKey {
  return { serverName, serverUrl, issuer };
}

/** The stored record of a completed login, as the client package writes it. */
export function credentialRecord(
  key: CredentialKey,
  tokens: TokenSet,
  registration: ClientRegistration,
): CredentialRecord {
  return {
    version: 1,
    server_name: key.serverName,
    server_url: key.serverUrl,
    issuer: tokens.issuer,
    resource: tokens.resource ?? null,
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expires_at: tokens.expires_at,
    refresh_token: tokens.refresh_token ?? null,
    scopes: [...tokens.scopes],
    client: {
      client_id: registration.client_id,
      registration: registration.registration,
      // Secrets of pre-registered clients are never stored: the refresh grant gets them from the caller.
      client_secret: registration.registration === 'dynamic' ? registration.client_secret : null,
      client_secret_expires_at: registration.client_secret_expires_at,
    },
    reacquire: null,
    needs_login: null,
    updated_at: Date.now(),
    dpop: null,
  };
}

/** A real login: registration, authorize URL, headless sign-in and consent, code exchange; stored in `store`. */
export async function login(options: {
  http: HttpClient;
  as: AuthorizationServerMetadata;
  store: CredentialStore;
  key: CredentialKey;
  scopes: readonly string[];
  resource?: string;
  extraParams?: ExtraAuthorizeParams;
  preRegistered?: { clientId: string; clientSecret: string };
  user?: string;
}): Promise<CredentialRecord> {
  const registration = await resolveClientRegistration({
    http: options.http,
    as: options.as,
    redirectUris: [REDIRECT_URI],
    cache: memoryRegistrationCache(),
    ...(options.preRegistered ? { preRegistered: options.preRegistered } : {}),
  });
  const client = registrationClient(registration);
  const { url, pending } = startAuthorization({
    as: options.as,
    clientId: client.clientId,
    redirectUri: REDIRECT_URI,
    scopes: options.scopes,
    resource: options.resource,
    extraParams: options.extraParams,
  });
  const callback = await headlessUserAgent({ login: options.user ?? 'alice' }).authorize(url.href);
  const tokens = await exchangeAuthorizationCode(options.http, options.as, client, pending, callback);
  const record = credentialRecord(options.key, tokens, registration);
  await options.store.set(options.key, record);
  return record;
}

/**
 * An MCP session on the official SDK whose every request carries the token `token()` gives (the refresher's
 * `getValidToken`), as the client package's authorized fetch does.
 */
export async function mcpSession(mcpUrl: string, token: () => Promise<string>): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await token()}`);
      return fetch(url, { ...init, headers });
    },
  });
  const client = new Client({ name: 'refresh-flows', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/**
 * The token-endpoint requests an AS received since `after`. All of them, whatever their grant: the body of a request
 * that failed before the AS read it is not in the log, so filtering on `grant_type` would hide failures.
 */
export function tokenRequests(log: RequestLog, after: number): LoggedRequest[] {
  return log.entries({ endpoint: 'token', after });
}

/** Whether a logged token request was a refresh-token grant answered 200. */
export function isSuccessfulRefresh(entry: LoggedRequest): boolean {
  return entry.status === 200 && paramValues(entry, 'grant_type').join() === 'refresh_token';
}

/** Statuses the MCP server answered, counted. */
export function mcpStatuses(log: RequestLog, after?: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const e of log.entries({ endpoint: 'mcp', ...(after === undefined ? {} : { after }) })) {
    counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  }
  return counts;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `ready` every 20 ms until it is true; fails after `timeoutMs` naming `what`. */
export async function waitUntil(what: string, ready: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Resolves with the first event of `type` the refresher emits (`on` is the refresher's subscribe). */
export function nextEvent<T extends RefresherEvent['type']>(
  on: (listener: (e: RefresherEvent) => void) => () => void,
  type: T,
): Promise<Extract<RefresherEvent, { type: T }>> {
  return new Promise((resolve) => {
    const off = on((e) => {
      if (e.type === type) {
        off();
        resolve(e as Extract<RefresherEvent, { type: T }>);
      }
    });
  });
}

/**
 * A fresh directory under the system temp dir, and a function that removes it. The removal retries (ENOTEMPTY):
 * `Refresher.close()` lets a refresh in flight finish, and its store write (a temporary file renamed into place) can
 * land while the directory is being removed.
 */
export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-oauth-refresh-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/** Whether `name` is an executable on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
