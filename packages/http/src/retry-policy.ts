import { STALE_CONNECTION_CODE } from './stale-connection-guard.js';

/**
 * What kind of request is sent, for the one rule that decides whether a connection failure may be retried. Each
 * kind maps to a {@link RetryRule} in {@link RETRY_RULES}; docs/http.md ("Connection reuse and retries") gives the
 * reason of each.
 *
 * - `metadata`: GET of a metadata document (RFC 9728, RFC 8414, OIDC discovery, a CIMD, the 401 probe);
 * - `registration`: RFC 7591 dynamic client registration POST;
 * - `revocation`: RFC 7009 token revocation POST;
 * - `token`: any token-endpoint POST (code exchange, refresh, client credentials, token exchange, JWT bearer,
 *   device code) and the device authorization request;
 * - `mcp_idempotent`: an MCP request that changes nothing on the server by protocol (`server/discover`, `ping`,
 *   `tools/list` and the other list methods, the GET of the SSE stream, the DELETE that ends a session);
 * - `mcp_other`: every other MCP request (`initialize`, `tools/call`, notifications, answers to server requests).
 */
export type RequestKind =
  | 'metadata'
  | 'registration'
  | 'revocation'
  | 'token'
  | 'mcp_idempotent'
  | 'mcp_other';

/**
 * - `any_connection_failure`: retried once, on a fresh connection, after any connection failure before a response
 *   byte arrived (the request may have reached the server; sending it again is harmless);
 * - `nothing_sent`: retried once only when none of the request was sent (the connection was never established, or
 *   the stale-connection guard refused to write to an old one), so nothing can have reached the server (RFC 9110 §9.2.2: a non-idempotent request is not repeated without knowing it was not applied).
 */
export type RetryRule = 'any_connection_failure' | 'nothing_sent';

/** The rule of each {@link RequestKind}. */
export const RETRY_RULES: Readonly<Record<RequestKind, RetryRule>> = Object.freeze({
  metadata: 'any_connection_failure',
  registration: 'any_connection_failure',
  revocation: 'any_connection_failure',
  token: 'nothing_sent',
  mcp_idempotent: 'any_connection_failure',
  mcp_other: 'nothing_sent',
});

/**
 * How a request failed before any response byte, read from undici's error (or its `cause` chain, as `fetch` wraps
 * it in `TypeError: fetch failed`):
 * - `nothing_sent`: the TCP connection was never established (refused, unreachable, DNS failure, connect
 *   timeout; undici writes a request only on a connected socket), or `stale-connection-guard.ts` destroyed an idle
 *   connection just before the first byte would have been written. None of the request left this process.
 * - `connection_lost`: the connection closed or was reset while the request was written or its answer awaited
 *   (`ECONNRESET`, `EPIPE`, undici's `UND_ERR_SOCKET` "other side closed"). The server may have read the request,
 *   and even acted on it: this is not proof that it was never sent. (A request undici had not yet written when it
 *   found the socket closed is re-queued on a new connection by undici itself and never fails.)
 * - `undefined`: anything else (TLS, timeouts of headers or body, aborts, HTTP errors): never retried here.
 */
export type ConnectionFailure = 'nothing_sent' | 'connection_lost';

const NOTHING_SENT: ReadonlySet<string> = new Set([
  STALE_CONNECTION_CODE,
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const CONNECTION_LOST: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** Classifies an error thrown by undici's `request`, `dispatch` or `fetch` before a response arrived. */
export function connectionFailureOf(error: unknown): ConnectionFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NOTHING_SENT.has(code)) return 'nothing_sent';
      if (CONNECTION_LOST.has(code)) return 'connection_lost';
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Whether a request of `kind` that failed with `error` before any response byte is sent once more, on a fresh
 * connection. The caller retries at most once, and never when its signal fired.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2 (idempotent methods and automatic retries)
 */
export function shouldRetry(kind: RequestKind, error: unknown): boolean {
  const failure = connectionFailureOf(error);
  if (failure === undefined) return false;
  return failure === 'nothing_sent' || RETRY_RULES[kind] === 'any_connection_failure';
}

/** The kind of a request sent through `HttpClient.request` without an explicit one: GET and HEAD are metadata. */
export function defaultKindOf(method: string): RequestKind {
  return method === 'GET' || method === 'HEAD' ? 'metadata' : 'token';
}
