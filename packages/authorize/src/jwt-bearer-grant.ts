import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import { AuthorizeError } from './authorize-error.js';
import type { OAuthClient } from './client-authentication.js';
import {
  type TokenEndpointMetadata,
  type TokenRequestOptions,
  tokenEndpointRequest,
} from './token-request.js';

/** RFC 7523 §2.1 `grant_type` of the JWT bearer authorization grant. */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The grant-specific values of a JWT bearer grant. */
export interface JwtBearerGrant {
  /** RFC 7523 §2.1 `assertion`: a single JWT (an ID-JAG, or a workload's own identity token). */
  readonly assertion: string;
  /** RFC 7521 §4.1 `scope`, sent space-separated when non-empty. */
  readonly scopes?: readonly string[] | undefined;
}

/** A compact JWS: three base64url parts (RFC 7515 §7.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Sends the RFC 7523 §2.1 JWT bearer grant through {@link tokenEndpointRequest} (so client authentication, the
 * `resource` in `options` and any proof the request layer adds reach it) and returns the raw response for
 * `processTokenResponse`, which validates it as any access-token response.
 *
 * @throws {AuthorizeError} `invalid_assertion` (not one compact JWT), and the request codes.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7521#section-4.1
 */
export async function jwtBearerGrantRequest(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  grant: JwtBearerGrant,
  options: TokenRequestOptions = {},
): Promise<HttpResponse> {
  // RFC 7523 §2.1: the value of assertion MUST contain a single JWT.
  if (typeof grant.assertion !== 'string' || !COMPACT_JWS.test(grant.assertion)) {
    throw new AuthorizeError('invalid_assertion', 'The JWT bearer grant needs one JWT as its assertion', {
      param: 'assertion',
    });
  }
  const parameters: Record<string, string> = {
    assertion: grant.assertion,
    ...(grant.scopes !== undefined && grant.scopes.length > 0 && { scope: grant.scopes.join(' ') }),
  };
  return tokenEndpointRequest(http, as, client, JWT_BEARER_GRANT_TYPE, parameters, options);
}
