import { assertSecureUrl } from '@mcp-oauth/http';
import { AuthorizeError } from './authorize-error.js';
import {
  assertNoReservedParams,
  type ExtraAuthorizeParams,
  RESERVED_AUTHORIZE_PARAMS,
  sortedEntries,
} from './reserved-params.js';
import { checkResource } from './resource-policy.js';
import { uniqueScopes } from './select-scopes.js';

/**
 * Already-resolved inputs of the authorization request. The caller has applied the resource policy
 * (`resolveResource`), chosen the scopes (`selectScopes`) and merged the extra parameters (`mergeAuthorizeParams`).
 */
export interface AuthorizationUrlInput {
  /** The AS metadata's `authorization_endpoint`; its own query parameters are kept (RFC 6749 §3.1). */
  authorizationEndpoint: string;
  clientId: string;
  /** The loopback callback address, exactly as registered. */
  redirectUri: string;
  /** `BASE64URL(SHA256(verifier))` from `generatePkce`. */
  codeChallenge: string;
  /** From `generateState`. */
  state: string;
  /** Sent space-separated as `scope` when not empty; repeats removed. */
  scopes?: readonly string[] | undefined;
  /** The single RFC 8707 `resource`, or none. */
  resource?: string | undefined;
  /** Provider-profile and config parameters; reserved keys are refused (types and run time). */
  extraParams?: ExtraAuthorizeParams | undefined;
  /** Allow an `http:` endpoint on a loopback host. Default true (the testbed, local servers). */
  allowInsecureLoopback?: boolean | undefined;
}

/**
 * The longest authorization URL built, in characters: 16384 (16 KiB). The URL is opened in a browser or printed whole
 * for the user to paste (`--no-browser`); longer ones fail in browsers and servers, and would flood a terminal.
 * Discovery caps `authorization_endpoint` itself at 8192, so the rest (scopes, client id, extra parameters) has room.
 */
export const MAX_AUTHORIZATION_URL_LENGTH = 16_384;

/** RFC 7636 §4.2: an S256 challenge is 43 base64url characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Builds the authorization request URL (pure: no randomness, no clock, no I/O). Query parameters, in this order:
 *
 * 1. the endpoint's own query parameters, as they appear (RFC 6749 §3.1: the query MUST be retained), except any
 *    whose name this request sets (dropped, so no parameter is ever sent twice);
 * 2. `response_type=code`, `client_id`, `redirect_uri`, `code_challenge`, `code_challenge_method=S256`, `state`,
 *    `scope` (when any), `resource` (when any: exactly one);
 * 3. the extra parameters, sorted by name (UTF-16 code-unit order).
 *
 * @throws {AuthorizeError} `reserved_param` (an extra parameter names a protocol key, case-insensitively),
 *   `invalid_parameter` (endpoint not an absolute http(s) URL, has a fragment, or is `http:` off loopback; an empty
 *   client id, redirect URI or state; a malformed challenge, scope or resource) or `authorization_url_too_long`
 *   (longer than {@link MAX_AUTHORIZATION_URL_LENGTH}).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function buildAuthorizationUrl(input: AuthorizationUrlInput): URL {
  const url = parseEndpoint(input.authorizationEndpoint, input.allowInsecureLoopback ?? true);
  requireString(input.clientId, 'clientId');
  requireString(input.redirectUri, 'redirectUri');
  requireString(input.state, 'state');
  if (typeof input.codeChallenge !== 'string' || !S256_CHALLENGE.test(input.codeChallenge)) {
    throw new AuthorizeError('invalid_parameter', 'codeChallenge is not an S256 challenge (RFC 7636 §4.2)', {
      param: 'codeChallenge',
    });
  }
  assertNoReservedParams(input.extraParams, RESERVED_AUTHORIZE_PARAMS, 'extraParams');
  const scopes = uniqueScopes(input.scopes ?? []);

  const ours: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', input.clientId],
    ['redirect_uri', input.redirectUri],
    ['code_challenge', input.codeChallenge],
    // MCP authorization: PKCE with S256 is mandatory; `plain` is never sent.
    ['code_challenge_method', 'S256'],
    ['state', input.state],
  ];
  if (scopes.length > 0) ours.push(['scope', scopes.join(' ')]);
  // RFC 8707 §2 and the MCP spec: one resource, the canonical server URI, verbatim.
  if (input.resource !== undefined) ours.push(['resource', checkResource(input.resource, 'resource')]);
  ours.push(...sortedEntries(input.extraParams));

  const names = new Set(ours.map(([name]) => name));
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((segment) => segment !== '' && !names.has(segmentName(segment)));
  url.search = [...kept, new URLSearchParams(ours).toString()].join('&');
  checkLength(url, input.authorizationEndpoint, scopes);
  return url;
}

function checkLength(url: URL, endpoint: string, scopes: readonly string[]): void {
  if (url.href.length <= MAX_AUTHORIZATION_URL_LENGTH) return;
  const scope = scopes.join(' ').length;
  throw new AuthorizeError(
    'authorization_url_too_long',
    `The authorization URL would be ${url.href.length} characters long, more than the ${MAX_AUTHORIZATION_URL_LENGTH} ` +
      `a browser or a paste can carry (endpoint ${String(endpoint).length}, scope ${scope} characters): request ` +
      'fewer scopes (--scopes, or scopes in the config) or shorten the extra parameters',
  );
}

function parseEndpoint(endpoint: string, allowInsecureLoopback: boolean): URL {
  let url: URL;
  try {
    url = assertSecureUrl(endpoint, { allowInsecureLoopback });
  } catch (cause) {
    throw new AuthorizeError(
      'invalid_parameter',
      `The authorization endpoint ${JSON.stringify(String(endpoint))} is not usable: ${(cause as Error).message}`,
      { param: 'authorizationEndpoint', cause },
    );
  }
  // RFC 6749 §3.1: the endpoint URI MUST NOT include a fragment component.
  if (String(endpoint).includes('#')) {
    throw new AuthorizeError(
      'invalid_parameter',
      `The authorization endpoint ${JSON.stringify(endpoint)} has a fragment (RFC 6749 §3.1)`,
      { param: 'authorizationEndpoint' },
    );
  }
  return url;
}

function requireString(value: unknown, param: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new AuthorizeError('invalid_parameter', `${param} must be a non-empty string`, { param });
  }
}

/** The decoded name of one `name=value` query segment. */
function segmentName(segment: string): string {
  const [name] = new URLSearchParams(segment).keys();
  return name ?? '';
}
