import type { HttpResponse } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import { bodyObject, describeBody, oauthErrorFrom, statusError } from './oauth-response-body.js';
import { splitScope } from './select-scopes.js';
import type { TokenSet } from './token-set.js';

/** Options of {@link processTokenResponse}. */
export interface ProcessTokenResponseOptions {
  /** The `resource` the request carried; recorded in the result. */
  resource?: string | undefined;
  /** The scopes the grant asked for; the result's scopes when the response has no `scope` (RFC 6749 §5.1). */
  requestedScopes?: readonly string[] | undefined;
  /**
   * Clock in milliseconds since the epoch; `expires_at` = `now()` + `expires_in`. Default `Date.now`. Pass the time
   * the request was sent for a conservative expiry.
   */
  now?: (() => number) | undefined;
  /**
   * Whether the request carried a DPoP proof (`TokenRequestOptions.dpop`). Only then is a `token_type` of `DPoP`
   * accepted (RFC 9449 §5); `Bearer` is accepted either way (the AS may decline to bind). Default false.
   */
  dpopProofSent?: boolean | undefined;
}

/** `expires_in` as a number of seconds: an integer, a decimal, or a string of digits (some servers send "3600"). */
const NUMERIC = /^\s*\d+(?:\.\d+)?\s*$/;

/**
 * The longest `expires_in` accepted: 10 years (315 360 000 seconds). Real access tokens live minutes to hours (the
 * longest documented ones, e.g. GitHub's 6-month refresh tokens, stay far below); a larger number is a broken or
 * hostile server. The cap also keeps `now + expires_in` a valid `Date` (a 1e300 stored as `expires_at` once made every
 * later `status` die with "Invalid time value").
 */
export const MAX_EXPIRES_IN_SECONDS = 10 * 365 * 24 * 60 * 60;

/**
 * The longest `access_token` or `refresh_token` accepted: 16384 characters (16 KiB). Real tokens stay far below: opaque
 * tokens are tens of characters, JWTs from Google, Okta, Auth0 or GitHub about 1 KB, and the largest in common use,
 * Entra ID tokens with group claims, a few KB (Entra replaces more than 200 groups by an "overage" claim to stay
 * small). 16 KiB is Node's default limit for all of a request's headers together (`--max-http-header-size`), and
 * nginx and Apache refuse a single header line above 8 KiB by default, so a longer access token could not be sent to
 * an MCP server anyway: it would fail every request with an empty 431 (issue 17, a 900 KB token). Refusing it at
 * the token response says what happened before anything is stored.
 */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * RFC 6750 §2.1 b64token, the grammar of a token sent in `Authorization: Bearer` (and `DPoP`, RFC 9449 §7.1): a
 * token with CR/LF, a space or any other character outside it would break every later request's header.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Validates a token-endpoint response and returns the {@link TokenSet}. Robust to real servers: form-encoded bodies
 * (GitHub), HTTP 200 carrying `error` (GitHub), `token_type` in any case, `expires_in` absent or not a positive
 * number (expiry unknown: `expires_at` null), `expires_in` as a numeric string, `scope` as a JSON array. Checks, in
 * this fixed order:
 *
 * 1. an OAuth error body (string `error`), whatever the status → `oauth_error` with `error`, `error_description`,
 *    `error_uri`, `status`; retryable for `temporarily_unavailable`, `server_error`, 429 and 5xx;
 * 2. a non-2xx status → `unexpected_status`;
 * 3. the body is a JSON object or form-encoded → else `invalid_token_response`;
 * 4. `access_token` a non-empty string; `token_type` a string equal to `Bearer` ignoring case (RFC 6749 §7.1: a
 *    client MUST NOT use a token whose type it does not understand), or `DPoP` when a DPoP proof was sent
 *    (RFC 9449 §5);
 * 5. optional fields typed: `refresh_token`, `scope`, `id_token` strings (an empty `refresh_token` counts as none);
 * 6. `access_token` and `refresh_token` are at most {@link MAX_TOKEN_LENGTH} characters (16 KiB) → else
 *    `token_too_long`;
 * 7. `access_token` and `refresh_token` match RFC 6750 §2.1 b64token; a numeric `expires_in` is finite and at most
 *    {@link MAX_EXPIRES_IN_SECONDS} (10 years).
 *
 * No error message or field ever holds a token, a code or a secret, or the raw body.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function processTokenResponse(
  as: Pick<AuthorizationServerMetadata, 'issuer'>,
  response: HttpResponse,
  options: ProcessTokenResponseOptions = {},
): TokenSet {
  const object = bodyObject(response);
  const oauthError = oauthErrorFrom('oauth_error', 'token endpoint', response, object);
  if (oauthError !== undefined) throw oauthError;
  if (response.status < 200 || response.status > 299) {
    throw statusError('unexpected_status', 'token endpoint', response);
  }
  if (object === undefined) {
    throw invalid(`the body is not a JSON object or a form (${describeBody(response)})`);
  }

  const accessToken = object.access_token;
  if (typeof accessToken !== 'string' || accessToken === '')
    throw invalid('access_token is missing or empty');
  checkTokenLength('access_token', accessToken);
  // RFC 6750 §2.1: the token travels as `Bearer <b64token>`; never echo its value.
  if (!B64TOKEN.test(accessToken)) throw invalid('access_token has characters outside RFC 6750 b64token');
  const tokenType = object.token_type;
  if (typeof tokenType !== 'string') throw invalid('token_type is missing');
  const type = tokenTypeOf(tokenType, options.dpopProofSent === true);
  const refreshToken = optionalString(object, 'refresh_token');
  if (refreshToken !== undefined) checkTokenLength('refresh_token', refreshToken);
  // The refresh token travels in a form body, not a header, but one with CR/LF or spaces is no token a server issues.
  if (refreshToken !== undefined && refreshToken !== '' && !B64TOKEN.test(refreshToken)) {
    throw invalid('refresh_token has characters outside RFC 6750 b64token');
  }
  const idToken = optionalString(object, 'id_token');
  const scopes = grantedScopes(object.scope, options.requestedScopes);
  checkExpiresInCap(object.expires_in);
  const expiresIn = expiresInSeconds(object.expires_in);
  const now = (options.now ?? Date.now)();

  return {
    access_token: accessToken,
    token_type: type,
    expires_at: expiresIn === null ? null : now + Math.round(expiresIn * 1000),
    ...(refreshToken !== undefined && refreshToken !== '' && { refresh_token: refreshToken }),
    scopes,
    issuer: as.issuer,
    ...(options.resource !== undefined && { resource: options.resource }),
    ...(idToken !== undefined && idToken !== '' && { id_token: idToken }),
  };
}

/**
 * The normalised `token_type` (RFC 6749 §5.1: case-insensitive): `Bearer`, or `DPoP` only after a proof was sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
function tokenTypeOf(tokenType: string, dpopProofSent: boolean): TokenSet['token_type'] {
  const lower = tokenType.toLowerCase();
  if (lower === 'bearer') return 'Bearer';
  // RFC 9449 §5: token_type DPoP tells the client the token is bound; without a proof it cannot be bound to us.
  if (lower === 'dpop' && dpopProofSent) return 'DPoP';
  if (lower === 'dpop') {
    throw invalid('token_type "DPoP" answers a request that carried no DPoP proof (RFC 9449 §5)');
  }
  const shown = JSON.stringify(tokenType.length > 32 ? `${tokenType.slice(0, 32)}…` : tokenType);
  throw invalid(`token_type ${shown} is neither Bearer nor DPoP (RFC 6749 §7.1)`);
}

/** Seconds until expiry, or null when unknown (absent, not numeric, zero or negative). */
export function expiresInSeconds(value: unknown): number | null {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && NUMERIC.test(value)) seconds = Number(value);
  else return null;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** Refuses a numeric `expires_in` that is not finite or above {@link MAX_EXPIRES_IN_SECONDS}. */
function checkExpiresInCap(value: unknown): void {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string' && NUMERIC.test(value)) seconds = Number(value);
  else return;
  if (Number.isFinite(seconds) && seconds <= MAX_EXPIRES_IN_SECONDS) return;
  const shown = String(value);
  const quoted = JSON.stringify(shown.length > 32 ? `${shown.slice(0, 32)}…` : shown);
  throw invalid(`expires_in ${quoted} is above the cap of ${MAX_EXPIRES_IN_SECONDS} seconds (10 years)`);
}

/** Refuses a token longer than {@link MAX_TOKEN_LENGTH}; the message gives its length, never its value. */
function checkTokenLength(field: 'access_token' | 'refresh_token', token: string): void {
  if (token.length <= MAX_TOKEN_LENGTH) return;
  throw new AuthorizeError(
    'token_too_long',
    `The token endpoint issued ${field === 'access_token' ? 'an' : 'a'} ${field} of ${token.length} characters, above the cap of ${MAX_TOKEN_LENGTH} ` +
      '(16 KiB): no server accepts an HTTP header that large, so every request with it would fail. Nothing was ' +
      "stored. Tell the authorization server's operator (such a token usually carries too many claims, e.g. " +
      'group memberships), or request fewer scopes.',
  );
}

function grantedScopes(scope: unknown, requested: readonly string[] | undefined): string[] {
  // RFC 6749 §5.1: scope OPTIONAL if identical to the scope requested by the client.
  if (scope === undefined || scope === null) return [...new Set(requested ?? [])];
  if (typeof scope === 'string') return [...new Set(splitScope(scope))];
  if (Array.isArray(scope) && scope.every((s) => typeof s === 'string')) {
    return [...new Set(scope.flatMap((s: string) => splitScope(s)))];
  }
  throw invalid('scope is neither a string nor a list of strings');
}

function optionalString(object: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} is not a string`);
  return value;
}

function invalid(why: string): AuthorizeError {
  return new AuthorizeError('invalid_token_response', `The token endpoint's answer is unusable: ${why}`);
}
