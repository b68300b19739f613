import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import { authenticateClient, type OAuthClient } from './client-authentication.js';
import {
  assertNoReservedParams,
  type ExtraTokenParams,
  RESERVED_TOKEN_PARAMS,
  sortedEntries,
} from './reserved-params.js';
import { checkResource } from './resource-policy.js';

/** The AS metadata a token request needs. */
export type TokenEndpointMetadata = Pick<
  AuthorizationServerMetadata,
  | 'issuer'
  | 'token_endpoint'
  | 'token_endpoint_auth_methods_supported'
  | 'token_endpoint_auth_signing_alg_values_supported'
>;

/** Options shared by every token-endpoint request (code exchange, refresh). */
export interface TokenRequestOptions {
  /** The RFC 8707 `resource`: the same single value as on the authorization request. */
  resource?: string | undefined;
  /** `extra_token_params` (config and profile); reserved keys refused. Sent sorted by name. */
  extraParams?: ExtraTokenParams | undefined;
  /** Extra headers (a profile's `Accept: application/json` for GitHub). Client authentication headers win. */
  headers?: Readonly<Record<string, string>> | undefined;
  signal?: AbortSignal | undefined;
  /** Clock of a `private_key_jwt` assertion's `iat`/`exp`, ms since the epoch. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Sends one request to the token endpoint through `@mcp-oauth/http` (`postForm`: form-encoded, `Accept:
 * application/json`, never following a redirect) and returns the raw response, whatever its status, for
 * {@link processTokenResponse}. Body parameters, in order: `grant_type`, the grant's `parameters` as given,
 * `resource` (when any), the client authentication parameters (`client_id`, and `client_secret` for
 * `client_secret_post`, or a fresh `client_assertion` for `private_key_jwt`), the extra parameters sorted by name. The refresh package sends `grant_type=refresh_token`
 * through this same function.
 *
 * @throws {AuthorizeError} `reserved_param`, `invalid_parameter` (a name sent twice, a bad resource or client),
 *   `unsupported_auth_method`, `unsupported_signing_alg`.
 * @throws {HttpError} transport failures (timeout, TLS, redirect, size cap).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2.2 (resource on the token request)
 */
export async function tokenEndpointRequest(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  grantType: string,
  parameters: Readonly<Record<string, string>>,
  options: TokenRequestOptions = {},
): Promise<HttpResponse> {
  assertNoReservedParams(options.extraParams, RESERVED_TOKEN_PARAMS, 'extraParams');
  const auth = await authenticateClient(as, client, options.now === undefined ? {} : { now: options.now });
  const body = new URLSearchParams();
  const add = (name: string, value: string) => {
    // RFC 6749 §3.2: parameters sent without a value MUST be treated as omitted, and none may repeat.
    if (body.has(name)) {
      throw new AuthorizeError('invalid_parameter', `The token request would send ${name} twice`, {
        param: name,
      });
    }
    body.append(name, value);
  };
  add('grant_type', grantType);
  for (const [name, value] of Object.entries(parameters)) add(name, value);
  if (options.resource !== undefined) add('resource', checkResource(options.resource, 'resource'));
  for (const [name, value] of Object.entries(auth.params)) add(name, value);
  for (const [name, value] of sortedEntries(options.extraParams)) add(name, value);
  return http.postForm(as.token_endpoint, body, {
    headers: { ...options.headers, ...auth.headers },
    ...(options.signal && { signal: options.signal }),
  });
}
