import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import type { OAuthClient } from './client-authentication.js';
import { type ProcessTokenResponseOptions, processTokenResponse } from './process-token-response.js';
import { uniqueScopes } from './select-scopes.js';
import {
  type TokenEndpointMetadata,
  type TokenRequestOptions,
  tokenEndpointRequest,
} from './token-request.js';
import type { TokenSet } from './token-set.js';

/** The grant-specific values of a client-credentials request. */
export interface ClientCredentialsGrant {
  /** Scopes to request; none → no `scope` parameter (the AS applies its default for the client). */
  readonly scopes?: readonly string[] | undefined;
}

/**
 * Sends the client-credentials grant (RFC 6749 §4.4.2): `grant_type=client_credentials`, `scope` when any, the
 * RFC 8707 `resource` of the MCP server, and the client's authentication (RFC 6749 §4.4.2: the client MUST
 * authenticate; `client_secret_basic`, `client_secret_post` or a `private_key_jwt` assertion) through
 * {@link tokenEndpointRequest}, and returns the raw response for {@link processClientCredentialsResponse}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 * @see https://github.com/modelcontextprotocol/ext-auth (oauth-client-credentials extension)
 */
export async function clientCredentialsGrantRequest(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  grant: ClientCredentialsGrant = {},
  options: TokenRequestOptions = {},
): Promise<HttpResponse> {
  // RFC 6749 §3.3: each scope a scope-token; repeats removed.
  const scopes = uniqueScopes(grant.scopes ?? []);
  return tokenEndpointRequest(
    http,
    as,
    client,
    'client_credentials',
    scopes.length > 0 ? { scope: scopes.join(' ') } : {},
    options,
  );
}

/**
 * Validates a client-credentials token response with {@link processTokenResponse} (the same fixed order and
 * codes) and drops any refresh token: RFC 6749 §4.4.3 says one SHOULD NOT be issued, and a client that can ask again
 * with its own credentials has no use for one (the record's `reacquire` renews it).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3
 */
export function processClientCredentialsResponse(
  as: Parameters<typeof processTokenResponse>[0],
  response: HttpResponse,
  options: ProcessTokenResponseOptions = {},
): TokenSet {
  const { refresh_token: _ignored, ...tokens } = processTokenResponse(as, response, options);
  return tokens;
}

/** Options of {@link requestClientCredentialsToken}. */
export interface RequestClientCredentialsOptions extends TokenRequestOptions {
  readonly scopes?: readonly string[] | undefined;
}

/**
 * One client-credentials token, start to end: {@link clientCredentialsGrantRequest} then
 * {@link processClientCredentialsResponse}, with `expires_at` counted from when the request was sent (so expiry
 * errs early) and the requested scopes as the granted ones when the AS does not say.
 *
 * @throws {AuthorizeError} `oauth_error` (`invalid_client`, `unauthorized_client`, `invalid_scope`,
 *   `invalid_target`…), `unexpected_status`, `invalid_token_response`, `unsupported_auth_method`,
 *   `unsupported_signing_alg`, `invalid_parameter`.
 * @throws {HttpError} transport failures.
 */
export async function requestClientCredentialsToken(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  options: RequestClientCredentialsOptions = {},
): Promise<TokenSet> {
  const { scopes, ...requestOptions } = options;
  const sentAt = (options.now ?? Date.now)();
  const response = await clientCredentialsGrantRequest(http, as, client, { scopes }, requestOptions);
  return processClientCredentialsResponse(as, response, {
    resource: options.resource,
    requestedScopes: scopes ?? [],
    now: () => sentAt,
  });
}
