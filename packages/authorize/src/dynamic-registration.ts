import { assertSecureUrl, type HttpClient, type HttpResponse, isLoopbackHost } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import type { ClientAuthMethod } from './client-authentication.js';
import type { ClientRegistration } from './client-registration.js';
import { bodyObject, describeBody, oauthErrorFrom, statusError } from './oauth-response-body.js';
import { uniqueScopes } from './select-scopes.js';

/** The client authentication methods a registration this client made can use (it holds no private key). */
const DCR_AUTH_METHODS: readonly ClientAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post'];

/** What this client asks to be registered as. */
export interface DynamicRegistrationInput {
  /** The loopback callback URIs (`http://127.0.0.1:PORT/callback/ID`); http only on a loopback host. */
  readonly redirectUris: readonly string[];
  /** Human-readable name shown on consent pages. Default `mcp-oauth`. */
  readonly clientName?: string | undefined;
  /** Scopes the client may ask for (RFC 7591 §2 `scope`); omitted when absent or empty. */
  readonly scopes?: readonly string[] | undefined;
  /**
   * RFC 7591 §2 `grant_types`. Default {@link DEFAULT_GRANT_TYPES} (`authorization_code`, `refresh_token`); a device
   * login adds `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4).
   */
  readonly grantTypes?: readonly string[] | undefined;
  /** RFC 7591 §2 `software_id` and `software_version`, when the embedding application wants to name itself. */
  readonly softwareId?: string | undefined;
  readonly softwareVersion?: string | undefined;
  /** The AS's `token_endpoint_auth_methods_supported` (RFC 8414 §2): picks the method asked for. */
  readonly authMethodsSupported?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The grant types a registration asks for by default: the authorization-code grant with refresh (SEP-2207). */
export const DEFAULT_GRANT_TYPES: readonly string[] = Object.freeze(['authorization_code', 'refresh_token']);

/**
 * The `token_endpoint_auth_method` to ask for: `none` (a public client using PKCE) when the AS lists it or lists
 * nothing; else a secret method it lists (`client_secret_basic` first, then `client_secret_post`), so an AS that
 * takes confidential clients only issues a secret instead of refusing the registration; else `none` (the AS decides).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2 (`token_endpoint_auth_method`)
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 (`token_endpoint_auth_methods_supported`)
 */
export function registrationAuthMethod(supported: readonly string[] | undefined): ClientAuthMethod {
  if (supported === undefined || supported.length === 0 || supported.includes('none')) return 'none';
  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    if (supported.includes(method)) return method;
  }
  return 'none';
}

/**
 * The RFC 7591 metadata this package registers: a native public client (MCP authorization: `application_type`
 * MUST be sent; `native` for a CLI with a loopback redirect) using the authorization-code grant with refresh
 * (SEP-2207: `refresh_token` in `grant_types`), PKCE instead of a secret (`token_endpoint_auth_method=none`) unless
 * the AS lists only secret methods ({@link registrationAuthMethod}).
 */
export function dynamicRegistrationMetadata(input: DynamicRegistrationInput): Record<string, unknown> {
  checkRedirectUris(input.redirectUris);
  const scopes = uniqueScopes(input.scopes ?? []);
  return {
    client_name: input.clientName ?? 'mcp-oauth',
    redirect_uris: [...input.redirectUris],
    grant_types: [...new Set(input.grantTypes ?? DEFAULT_GRANT_TYPES)],
    response_types: ['code'],
    token_endpoint_auth_method: registrationAuthMethod(input.authMethodsSupported),
    application_type: 'native',
    ...(scopes.length > 0 && { scope: scopes.join(' ') }),
    ...(input.softwareId !== undefined && { software_id: input.softwareId }),
    ...(input.softwareVersion !== undefined && { software_version: input.softwareVersion }),
  };
}

/**
 * POSTs {@link dynamicRegistrationMetadata} as JSON to the AS's `registration_endpoint` and returns the raw
 * response for {@link processDynamicRegistrationResponse}.
 *
 * @throws {AuthorizeError} `registration_unavailable` (no `registration_endpoint`), `invalid_parameter`.
 * @throws {HttpError} transport failures.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.1
 */
export async function dynamicRegistrationRequest(
  http: HttpClient,
  as: Pick<
    AuthorizationServerMetadata,
    'issuer' | 'registration_endpoint' | 'token_endpoint_auth_methods_supported'
  >,
  input: DynamicRegistrationInput,
): Promise<HttpResponse> {
  if (as.registration_endpoint === undefined) {
    throw new AuthorizeError(
      'registration_unavailable',
      `The authorization server ${JSON.stringify(as.issuer)} has no registration_endpoint`,
    );
  }
  const body = JSON.stringify(
    dynamicRegistrationMetadata({
      ...input,
      authMethodsSupported: input.authMethodsSupported ?? as.token_endpoint_auth_methods_supported,
    }),
  );
  return http.request(as.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body,
    // A registration repeated after a lost connection leaves at most an unused client at the AS (docs/http.md).
    kind: 'registration',
    ...(input.signal && { signal: input.signal }),
  });
}

/** Options of {@link processDynamicRegistrationResponse}. */
export interface ProcessRegistrationOptions {
  /** The redirect URIs sent; kept when the answer does not echo them. */
  readonly redirectUris: readonly string[];
  /** The grant types sent; kept when the answer does not echo them. Default {@link DEFAULT_GRANT_TYPES}. */
  readonly grantTypes?: readonly string[] | undefined;
  /** Clock. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/**
 * Validates a registration answer, in order: an RFC 7591 §3.2.2 error body (any status) or a non-2xx status →
 * `registration_failed`; a JSON object → else `invalid_registration_response`; `client_id` a non-empty string;
 * `token_endpoint_auth_method` one of `none`, `client_secret_basic`, `client_secret_post` (when absent: basic with a
 * secret, none without), with the secret it needs; `client_secret_expires_at` (seconds, 0 = never) → milliseconds.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2
 */
export function processDynamicRegistrationResponse(
  as: Pick<AuthorizationServerMetadata, 'issuer'>,
  response: HttpResponse,
  options: ProcessRegistrationOptions,
): ClientRegistration {
  const object = response.body.format === 'json' ? bodyObject(response) : undefined;
  const error = oauthErrorFrom('registration_failed', 'registration endpoint', response, object);
  if (error !== undefined) throw error;
  if (response.status < 200 || response.status > 299) {
    throw statusError('registration_failed', 'registration endpoint', response);
  }
  if (object === undefined) throw invalid(`the body is not a JSON object (${describeBody(response)})`);
  const clientId = object.client_id;
  if (typeof clientId !== 'string' || clientId === '') throw invalid('client_id is missing or empty');
  const secret = object.client_secret;
  if (secret !== undefined && secret !== null && typeof secret !== 'string') {
    throw invalid('client_secret is not a string');
  }
  const clientSecret = typeof secret === 'string' && secret !== '' ? secret : null;
  const method = authMethod(object.token_endpoint_auth_method, clientSecret);
  const redirectUris = Array.isArray(object.redirect_uris) ? object.redirect_uris : options.redirectUris;
  // RFC 7591 §3.2.1: the AS returns the registered metadata, which may differ from the request.
  const grantTypes = Array.isArray(object.grant_types)
    ? object.grant_types
    : (options.grantTypes ?? DEFAULT_GRANT_TYPES);
  return {
    issuer: as.issuer,
    client_id: clientId,
    registration: 'dynamic',
    client_secret: clientSecret,
    client_secret_expires_at: secretExpiry(object.client_secret_expires_at, clientSecret),
    token_endpoint_auth_method: method,
    redirect_uris: redirectUris.filter((uri): uri is string => typeof uri === 'string'),
    grant_types: grantTypes.filter((type): type is string => typeof type === 'string'),
  };
}

function authMethod(value: unknown, secret: string | null): ClientAuthMethod {
  // RFC 7591 §2: when omitted, the default is client_secret_basic; without a secret that can only mean none.
  const method =
    value === undefined || value === null ? (secret === null ? 'none' : 'client_secret_basic') : value;
  // A dynamically registered client has no private key: `private_key_jwt` is for pre-registered machine clients.
  if (!DCR_AUTH_METHODS.includes(method as ClientAuthMethod)) {
    throw invalid(`token_endpoint_auth_method ${JSON.stringify(method)} is not supported by this client`);
  }
  if (method !== 'none' && secret === null) {
    throw invalid(`token_endpoint_auth_method ${JSON.stringify(method)} came without a client_secret`);
  }
  return method as ClientAuthMethod;
}

function secretExpiry(value: unknown, secret: string | null): number | null {
  if (secret === null || value === undefined || value === null) return null;
  // RFC 7591 §3.2.1: seconds since the epoch, 0 if the secret does not expire.
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid('client_secret_expires_at is not a non-negative number');
  }
  return value === 0 ? null : value * 1000;
}

function checkRedirectUris(uris: readonly string[]): void {
  if (!Array.isArray(uris) || uris.length === 0) {
    throw new AuthorizeError('invalid_parameter', 'At least one redirect URI is needed', {
      param: 'redirectUris',
    });
  }
  for (const uri of uris) {
    let url: URL | undefined;
    try {
      url = assertSecureUrl(uri);
    } catch {
      url = undefined;
    }
    // RFC 6749 §3.1.2: absolute, no fragment. RFC 8252 §7.3 / MCP: http only for the loopback interface.
    if (
      url === undefined ||
      uri.includes('#') ||
      (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    ) {
      throw new AuthorizeError(
        'invalid_parameter',
        `The redirect URI ${JSON.stringify(uri)} is not an https URI or an http loopback URI without a fragment`,
        { param: 'redirectUris' },
      );
    }
  }
}

function invalid(why: string): AuthorizeError {
  return new AuthorizeError(
    'invalid_registration_response',
    `The registration endpoint's answer is unusable: ${why}`,
  );
}
