import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import { AuthorizeError } from './authorize-error.js';
import type { OAuthClient } from './client-authentication.js';
import { computeCodeChallenge } from './pkce.js';
import { processTokenResponse } from './process-token-response.js';
import type { PendingAuthorization } from './start-authorization.js';
import {
  type TokenEndpointMetadata,
  type TokenRequestOptions,
  tokenEndpointRequest,
} from './token-request.js';
import type { TokenSet } from './token-set.js';
import { validateAuthorizationResponse } from './validate-authorization-response.js';

/** The grant-specific values of a code exchange. */
export interface AuthorizationCodeGrant {
  /** The `code` from the validated authorization response. */
  readonly code: string;
  /** The PKCE verifier of this login. */
  readonly codeVerifier: string;
  /** The `redirect_uri` of the authorization request, exactly (RFC 6749 §4.1.3). */
  readonly redirectUri: string;
}

/**
 * Sends the authorization-code grant (RFC 6749 §4.1.3 with the RFC 7636 §4.5 verifier) and returns the raw
 * response for {@link processTokenResponse}. Pass the same `resource` as the authorization request (RFC 8707 §2.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 */
export async function authorizationCodeGrantRequest(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  grant: AuthorizationCodeGrant,
  options: TokenRequestOptions = {},
): Promise<HttpResponse> {
  if (typeof grant.code !== 'string' || grant.code === '') {
    throw new AuthorizeError('code_missing', 'The code exchange needs the authorization code');
  }
  computeCodeChallenge(grant.codeVerifier); // RFC 7636 §4.1 shape check of the verifier
  return tokenEndpointRequest(
    http,
    as,
    client,
    'authorization_code',
    { code: grant.code, redirect_uri: grant.redirectUri, code_verifier: grant.codeVerifier },
    options,
  );
}

/** Options of {@link exchangeAuthorizationCode}. `resource` is taken from the pending login, never given again. */
export interface ExchangeAuthorizationCodeOptions extends Omit<TokenRequestOptions, 'resource'> {
  /** Clock for `expires_at`. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Completes a login: validates the callback against the pending login (`validateAuthorizationResponse`), checks the
 * AS and the client are the ones the login started with, exchanges the code with the login's verifier, redirect URI
 * and `resource`, and validates the answer (`processTokenResponse`).
 *
 * @throws {AuthorizeError} every callback code, `issuer_mismatch`, `invalid_parameter`, and the token codes.
 * @throws {HttpError} transport failures.
 */
export async function exchangeAuthorizationCode(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  pending: PendingAuthorization,
  callback: URL | string | URLSearchParams,
  options: ExchangeAuthorizationCodeOptions = {},
): Promise<TokenSet> {
  // MCP authorization: tokens and codes are bound to the AS the login started with; never mix two.
  if (as.issuer !== pending.issuer) {
    throw new AuthorizeError(
      'issuer_mismatch',
      `The login started at ${JSON.stringify(pending.issuer)} cannot be completed at ${JSON.stringify(as.issuer)}`,
    );
  }
  if (client.clientId !== pending.clientId) {
    throw new AuthorizeError('invalid_parameter', 'The client differs from the one the login started with', {
      param: 'clientId',
    });
  }
  const { code } = validateAuthorizationResponse(callback, pending);
  const { now, ...requestOptions } = options;
  const sentAt = (now ?? Date.now)();
  const response = await authorizationCodeGrantRequest(
    http,
    as,
    client,
    { code, codeVerifier: pending.codeVerifier, redirectUri: pending.redirectUri },
    { ...requestOptions, resource: pending.resource },
  );
  return processTokenResponse(as, response, {
    resource: pending.resource,
    requestedScopes: pending.scopes,
    now: () => sentAt,
    dpopProofSent: requestOptions.dpop !== undefined,
  });
}
