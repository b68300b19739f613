import type { DpopProver } from '@mcp-oauth/dpop';
import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import { authenticateClient, type OAuthClient } from './client-authentication.js';
import { bodyObject } from './oauth-response-body.js';
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
  /**
   * Proves possession of the credential's DPoP key (RFC 9449): a `DPoP` proof header on the request, the
   * server's `DPoP-Nonce` remembered, and one retry when the AS answers `use_dpop_nonce`. Default none: bearer.
   */
  dpop?: DpopProver | undefined;
  signal?: AbortSignal | undefined;
  /** Clock of a `private_key_jwt` assertion's `iat`/`exp`, ms since the epoch. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Sends one request to the token endpoint through `@mcp-oauth/http` (`postForm`: form-encoded, `Accept:
 * application/json`, never following a redirect) and returns the raw response, whatever its status, for
 * {@link processTokenResponse}. Body parameters, in order: `grant_type`, the grant's `parameters` as given,
 * `resource` (when any), the client authentication parameters (`client_id`, and `client_secret` for
 * `client_secret_post`, or a fresh `client_assertion` for `private_key_jwt`), the extra parameters sorted by name.
 * The refresh package sends `grant_type=refresh_token` through this same function, and so does every other grant,
 * so DPoP (`options.dpop`) reaches all of them. A retry after `use_dpop_nonce` builds the body again, so a
 * `private_key_jwt` assertion is never sent twice (its `jti` is single-use, RFC 7523 §3).
 *
 * @throws {AuthorizeError} `reserved_param`, `invalid_parameter` (a name sent twice, a bad resource or client),
 *   `unsupported_auth_method`, `unsupported_signing_alg`.
 * @throws {HttpError} transport failures (timeout, TLS, redirect, size cap).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2.2 (resource on the token request)
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5 (DPoP on the token request)
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
  const buildBody = async () => {
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
    return { body, headers: auth.headers };
  };
  const send = async (): Promise<HttpResponse> => {
    const { body, headers } = await buildBody();
    const proof = options.dpop && (await options.dpop.proof('POST', as.token_endpoint));
    const response = await http.postForm(as.token_endpoint, body, {
      headers: { ...options.headers, ...headers, ...(proof && { dpop: proof }) },
      ...(options.signal && { signal: options.signal }),
    });
    // RFC 9449 §8: the AS may send a fresh nonce with any response; the latest is used next time.
    options.dpop?.rememberNonce(as.token_endpoint, response.headers.get('dpop-nonce'));
    return response;
  };
  const first = await send();
  if (options.dpop === undefined || !isUseDpopNonce(first)) return first;
  // RFC 9449 §8: answer use_dpop_nonce with a new proof carrying the server's nonce; once, never in a loop.
  return send();
}

/**
 * Whether a token-endpoint answer is RFC 9449 §8's nonce demand: HTTP 400, `error` `use_dpop_nonce` and a
 * `DPoP-Nonce` header (without one a retry could not do better, so the error stands).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export function isUseDpopNonce(response: HttpResponse): boolean {
  return (
    response.status === 400 &&
    bodyObject(response)?.error === 'use_dpop_nonce' &&
    (response.headers.get('dpop-nonce') ?? '') !== ''
  );
}
