import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import { AuthorizeError } from './authorize-error.js';
import type { OAuthClient } from './client-authentication.js';
import { bodyObject, describeBody, oauthErrorFrom, statusError } from './oauth-response-body.js';
import { expiresInSeconds, MAX_EXPIRES_IN_SECONDS } from './process-token-response.js';
import { splitScope } from './select-scopes.js';
import {
  type TokenEndpointMetadata,
  type TokenRequestOptions,
  tokenEndpointRequest,
} from './token-request.js';

/** RFC 8693 §2.1 `grant_type` of a token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3 token type of an OpenID Connect ID Token. */
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** The token type of an Identity Assertion JWT Authorization Grant (ID-JAG). */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** The grant-specific values of a token exchange. `resource` travels in the request options, like every grant's. */
export interface TokenExchangeGrant {
  /** RFC 8693 §2.1 `subject_token`: the token exchanged (an ID Token for an ID-JAG). */
  readonly subjectToken: string;
  /** RFC 8693 §2.1 `subject_token_type`, e.g. {@link ID_TOKEN_TYPE}. */
  readonly subjectTokenType: string;
  /** RFC 8693 §2.1 `requested_token_type`, e.g. {@link ID_JAG_TOKEN_TYPE}. */
  readonly requestedTokenType: string;
  /** RFC 8693 §2.1 `audience`: for an ID-JAG, the issuer of the MCP server's authorization server. */
  readonly audience?: string | undefined;
  /** RFC 8693 §2.1 `scope`, sent space-separated when non-empty. */
  readonly scopes?: readonly string[] | undefined;
}

/**
 * Sends an RFC 8693 token exchange to `as` (for enterprise-managed authorization: the enterprise IdP) through
 * {@link tokenEndpointRequest} and returns the raw response for {@link processTokenExchangeResponse}. Pass the
 * `resource` (the MCP server's RFC 9728 resource identifier) in `options`.
 *
 * @throws {AuthorizeError} `invalid_parameter` (an empty subject token or type), and the request codes.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 * @see https://github.com/modelcontextprotocol/ext-auth/blob/main/specification/draft/enterprise-managed-authorization.mdx (§4)
 */
export async function tokenExchangeGrantRequest(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  grant: TokenExchangeGrant,
  options: TokenRequestOptions = {},
): Promise<HttpResponse> {
  for (const [name, value] of [
    ['subjectToken', grant.subjectToken],
    ['subjectTokenType', grant.subjectTokenType],
    ['requestedTokenType', grant.requestedTokenType],
  ] as const) {
    // RFC 8693 §2.1: subject_token and subject_token_type are REQUIRED.
    if (typeof value !== 'string' || value === '') {
      throw new AuthorizeError('invalid_parameter', `The token exchange needs ${name}`, { param: name });
    }
  }
  const parameters: Record<string, string> = {
    requested_token_type: grant.requestedTokenType,
    ...(grant.audience !== undefined && { audience: grant.audience }),
    ...(grant.scopes !== undefined && grant.scopes.length > 0 && { scope: grant.scopes.join(' ') }),
    subject_token: grant.subjectToken,
    subject_token_type: grant.subjectTokenType,
  };
  return tokenEndpointRequest(http, as, client, TOKEN_EXCHANGE_GRANT_TYPE, parameters, options);
}

/** The validated result of a token exchange. `token` is a secret (an ID-JAG is a grant). */
export interface TokenExchangeResult {
  readonly token: string;
  /** RFC 8693 §2.2.1 `issued_token_type`, equal to the requested type. */
  readonly issued_token_type: string;
  /** RFC 8693 §2.2.1 `token_type` as sent (`N_A` for an ID-JAG). */
  readonly token_type: string;
  /** Absolute expiry (ms since the epoch), or null when the IdP sent no usable `expires_in`. */
  readonly expires_at: number | null;
  /** The granted scopes: the response `scope`, else the requested ones (RFC 8693 §2.2.1). */
  readonly scopes: readonly string[];
}

/** Options of {@link processTokenExchangeResponse}. */
export interface ProcessTokenExchangeOptions {
  /** The `requested_token_type` of the request; the answer's `issued_token_type` must be the same. */
  readonly requestedTokenType: string;
  /** The scopes asked for; the result's when the answer has no `scope`. */
  readonly requestedScopes?: readonly string[] | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. Pass the time the request was sent. */
  readonly now?: (() => number) | undefined;
}

/**
 * Validates an RFC 8693 token-exchange response, in the fixed order of {@link processTokenResponse}: an OAuth error
 * body (any status) → `oauth_error` (`invalid_target`, `access_denied`, `invalid_grant` keep their `error`); a non-2xx
 * status → `unexpected_status`; not a JSON object → `invalid_token_exchange_response`; then the required fields:
 * `access_token` a non-empty string, `issued_token_type` a string equal to the requested type, `token_type` a string
 * (`N_A` for an ID-JAG, which is no access token), optional `scope` and `expires_in` (at most 10 years).
 *
 * @throws {AuthorizeError} `oauth_error`, `unexpected_status`, `invalid_token_exchange_response`.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.1
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.2
 */
export function processTokenExchangeResponse(
  response: HttpResponse,
  options: ProcessTokenExchangeOptions,
): TokenExchangeResult {
  const object = bodyObject(response);
  const oauthError = oauthErrorFrom('oauth_error', 'token exchange', response, object);
  if (oauthError !== undefined) throw oauthError;
  if (response.status < 200 || response.status > 299) {
    throw statusError('unexpected_status', 'token exchange', response);
  }
  if (object === undefined) throw invalid(`the body is not a JSON object (${describeBody(response)})`);
  // RFC 8693 §2.2.1: access_token REQUIRED (for an ID-JAG it holds the grant, "for historical reasons").
  const token = object.access_token;
  if (typeof token !== 'string' || token === '') throw invalid('access_token is missing or empty');
  // RFC 8693 §2.2.1: issued_token_type REQUIRED.
  const issued = object.issued_token_type;
  if (typeof issued !== 'string' || issued === '') throw invalid('issued_token_type is missing');
  if (issued !== options.requestedTokenType) {
    throw invalid(
      `issued_token_type ${JSON.stringify(issued)} is not the requested ${JSON.stringify(options.requestedTokenType)}`,
    );
  }
  // RFC 8693 §2.2.1: token_type REQUIRED (`N_A` when the issued token is not an access token).
  const tokenType = object.token_type;
  if (typeof tokenType !== 'string' || tokenType === '') throw invalid('token_type is missing');
  const scope = object.scope;
  if (scope !== undefined && scope !== null && typeof scope !== 'string')
    throw invalid('scope is not a string');
  const seconds = expiresInSeconds(object.expires_in);
  if (seconds !== null && seconds > MAX_EXPIRES_IN_SECONDS) throw invalid('expires_in is above 10 years');
  const now = (options.now ?? Date.now)();
  return {
    token,
    issued_token_type: issued,
    token_type: tokenType,
    expires_at: seconds === null ? null : now + Math.round(seconds * 1000),
    scopes:
      typeof scope === 'string'
        ? [...new Set(splitScope(scope))]
        : [...new Set(options.requestedScopes ?? [])],
  };
}

function invalid(why: string): AuthorizeError {
  return new AuthorizeError(
    'invalid_token_exchange_response',
    `The token exchange answer is unusable: ${why}`,
  );
}
