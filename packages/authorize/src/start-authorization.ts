import type { AuthorizationServerMetadata } from './as-metadata.js';
import { buildAuthorizationUrl } from './build-authorization-url.js';
import { generatePkce } from './pkce.js';
import type { RandomBytes } from './random.js';
import type { ExtraAuthorizeParams } from './reserved-params.js';
import { uniqueScopes } from './select-scopes.js';
import { generateState } from './state.js';

/** Input of {@link startAuthorization}: already-resolved values (see `resolveResource`, `selectScopes`, …). */
export interface StartAuthorizationInput {
  readonly as: Pick<
    AuthorizationServerMetadata,
    'issuer' | 'authorization_endpoint' | 'authorization_response_iss_parameter_supported'
  >;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes?: readonly string[] | undefined;
  readonly resource?: string | undefined;
  readonly extraParams?: ExtraAuthorizeParams | undefined;
  /** Default `node:crypto` `randomBytes`. */
  readonly randomBytes?: RandomBytes | undefined;
  /** Allow an `http:` endpoint on a loopback host. Default true. */
  readonly allowInsecureLoopback?: boolean | undefined;
}

/**
 * What a login records before the user agent leaves for the AS (MCP authorization: record the issuer with the PKCE
 * verifier and `state`), and what the callback and the code exchange are checked against. Holds the PKCE verifier:
 * keep it in memory for the one login, never log it.
 */
export interface PendingAuthorization {
  readonly issuer: string;
  readonly issParameterSupported: boolean;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly scopes: readonly string[];
  readonly resource?: string;
}

/**
 * One login's first step: fresh PKCE pair and `state`, and the authorization URL for them
 * ({@link buildAuthorizationUrl}). Returns the URL to open and the record to complete the login with.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4
 */
export function startAuthorization(input: StartAuthorizationInput): {
  url: URL;
  pending: PendingAuthorization;
} {
  const random = input.randomBytes === undefined ? {} : { randomBytes: input.randomBytes };
  const pkce = generatePkce(random);
  const state = generateState(random);
  const scopes = uniqueScopes(input.scopes ?? []);
  const url = buildAuthorizationUrl({
    authorizationEndpoint: input.as.authorization_endpoint,
    clientId: input.clientId,
    redirectUri: input.redirectUri,
    codeChallenge: pkce.codeChallenge,
    state,
    scopes,
    resource: input.resource,
    extraParams: input.extraParams,
    allowInsecureLoopback: input.allowInsecureLoopback,
  });
  return {
    url,
    pending: {
      issuer: input.as.issuer,
      issParameterSupported: input.as.authorization_response_iss_parameter_supported === true,
      clientId: input.clientId,
      redirectUri: input.redirectUri,
      state,
      codeVerifier: pkce.codeVerifier,
      scopes,
      ...(input.resource !== undefined && { resource: input.resource }),
    },
  };
}
