import { assertSecureUrl, type HttpClient, type HttpResponse } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError } from './authorize-error.js';
import { clientAuthentication, type OAuthClient, selectClientAuthMethod } from './client-authentication.js';
import { bodyObject, describeBody, oauthErrorFrom, statusError } from './oauth-response-body.js';
import {
  assertNoReservedParams,
  type ExtraAuthorizeParams,
  RESERVED_AUTHORIZE_PARAMS,
  sortedEntries,
} from './reserved-params.js';
import { checkResource } from './resource-policy.js';
import { uniqueScopes } from './select-scopes.js';

/** The AS metadata a device authorization request needs. */
export type DeviceAuthorizationMetadata = Pick<
  AuthorizationServerMetadata,
  'issuer' | 'device_authorization_endpoint' | 'token_endpoint_auth_methods_supported'
>;

/** What a device authorization request asks for. */
export interface DeviceAuthorizationInput {
  /** Scopes to request (RFC 8628 §3.1 `scope`); omitted when empty. */
  readonly scopes?: readonly string[] | undefined;
  /** The RFC 8707 `resource`: the same single value the other login modes send. */
  readonly resource?: string | undefined;
  /**
   * Extension parameters (RFC 8628 §3.1 allows them): the extra authorize parameters that apply to a device
   * request (the client package drops the provider's browser-only ones). Reserved names refused. Sent sorted.
   */
  readonly extraParams?: ExtraAuthorizeParams | undefined;
  /** Extra headers; client authentication headers win. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The `grant_type` of the device access token request (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Sends the device authorization request (RFC 8628 §3.1): a form POST to `device_authorization_endpoint` with
 * `client_id` (or the client's authentication, RFC 8628 §3.1 applies RFC 6749 §3.2.1), `scope`, exactly one
 * `resource`, then the extension parameters sorted by name. Returns the raw response for
 * {@link processDeviceAuthorizationResponse}.
 *
 * @throws {AuthorizeError} `device_flow_unsupported` (no endpoint in the metadata), `reserved_param`,
 *   `invalid_parameter`, `unsupported_auth_method`.
 * @throws {HttpError} transport failures.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function deviceAuthorizationRequest(
  http: HttpClient,
  as: DeviceAuthorizationMetadata,
  client: OAuthClient,
  input: DeviceAuthorizationInput = {},
): Promise<HttpResponse> {
  const endpoint = as.device_authorization_endpoint;
  if (endpoint === undefined) {
    throw new AuthorizeError(
      'device_flow_unsupported',
      `The authorization server ${JSON.stringify(as.issuer)} has no device_authorization_endpoint (RFC 8628 §4)`,
    );
  }
  assertSecureUrl(endpoint);
  assertNoReservedParams(input.extraParams, RESERVED_AUTHORIZE_PARAMS, 'extraParams');
  const auth = clientAuthentication(selectClientAuthMethod(as, client), client);
  const body = new URLSearchParams();
  // RFC 8628 §3.1: client_id REQUIRED for a client not authenticating; sent always (RFC 6749 §3.2.1 allows it with
  // Basic authentication too, and Google documents it as required), then the rest of the client authentication.
  body.append('client_id', client.clientId);
  for (const [name, value] of Object.entries(auth.params)) if (name !== 'client_id') body.append(name, value);
  const scopes = uniqueScopes(input.scopes ?? []);
  if (scopes.length > 0) body.append('scope', scopes.join(' '));
  // RFC 8707 §2: one resource, the same as on every other request of this login.
  if (input.resource !== undefined) body.append('resource', checkResource(input.resource, 'resource'));
  for (const [name, value] of sortedEntries(input.extraParams)) body.append(name, value);
  return http.postForm(endpoint, body, {
    headers: { ...input.headers, ...auth.headers },
    ...(input.signal && { signal: input.signal }),
  });
}

/**
 * A validated device authorization response (RFC 8628 §3.2), with `expires_in` turned into an absolute
 * `expires_at`. `device_code` is a secret (it redeems the grant): never log it. `user_code` and the URIs come from
 * the AS: escape them before printing.
 */
export interface DeviceAuthorization {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete?: string;
  /** When the device code expires, ms since the epoch. */
  readonly expires_at: number;
  /** Seconds to wait between polls (RFC 8628 §3.2 `interval`, default 5). */
  readonly interval: number;
}

/** Options of {@link processDeviceAuthorizationResponse}. */
export interface ProcessDeviceAuthorizationOptions {
  /** Clock, ms since the epoch; `expires_at` = `now()` + `expires_in`. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." */
export const DEFAULT_DEVICE_POLL_INTERVAL_SECONDS = 5;

/** The longest `expires_in` or `interval` accepted: 1 day. Device codes live minutes (Google: 30, Entra: 15). */
const MAX_DEVICE_SECONDS = 86_400;

/**
 * Validates a device authorization response, in order: an OAuth error body → `oauth_error`; a non-2xx status →
 * `unexpected_status`; a JSON object → `device_code`, `user_code` non-empty strings; `verification_uri` an http(s)
 * URL (Google's documented `verification_url` spelling is accepted when `verification_uri` is absent);
 * `verification_uri_complete` likewise when present; `expires_in` a positive number of seconds; `interval` a
 * positive number when present (else 5).
 *
 * @throws {AuthorizeError} `oauth_error`, `unexpected_status`, `invalid_device_authorization_response`.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function processDeviceAuthorizationResponse(
  response: HttpResponse,
  options: ProcessDeviceAuthorizationOptions = {},
): DeviceAuthorization {
  const object = bodyObject(response);
  const oauthError = oauthErrorFrom('oauth_error', 'device authorization endpoint', response, object);
  if (oauthError !== undefined) throw oauthError;
  if (response.status < 200 || response.status > 299) {
    throw statusError('unexpected_status', 'device authorization endpoint', response);
  }
  if (object === undefined) throw invalid(`the body is not a JSON object (${describeBody(response)})`);
  const deviceCode = requiredString(object, 'device_code');
  const userCode = requiredString(object, 'user_code');
  // Google documents `verification_url`; RFC 8628 §3.2 names it `verification_uri`.
  const verificationUri = browsable(
    object.verification_uri ?? object.verification_url,
    'verification_uri',
    true,
  ) as string;
  const complete = browsable(object.verification_uri_complete, 'verification_uri_complete', false);
  const expiresIn = seconds(object.expires_in, 'expires_in');
  if (expiresIn === undefined) throw invalid('expires_in is missing');
  const interval = seconds(object.interval, 'interval') ?? DEFAULT_DEVICE_POLL_INTERVAL_SECONDS;
  return {
    device_code: deviceCode,
    user_code: userCode,
    verification_uri: verificationUri,
    ...(complete !== undefined && { verification_uri_complete: complete }),
    expires_at: (options.now ?? Date.now)() + Math.round(expiresIn * 1000),
    interval,
  };
}

function requiredString(object: Readonly<Record<string, unknown>>, name: string): string {
  const value = object[name];
  if (typeof value !== 'string' || value === '') throw invalid(`${name} is missing or empty`);
  return value;
}

function browsable(value: unknown, name: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${name} is missing`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`${name} is not a string`);
  // The user opens it in a browser: http(s) only, never javascript:, data: or file: (MCP security considerations).
  const url = URL.parse(value);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw invalid(`${name} is not an http(s) URL`);
  }
  return value;
}

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > MAX_DEVICE_SECONDS) {
    throw invalid(`${name} is not a number of seconds from 1 to ${MAX_DEVICE_SECONDS}`);
  }
  return n;
}

function invalid(why: string): AuthorizeError {
  return new AuthorizeError(
    'invalid_device_authorization_response',
    `The device authorization endpoint's answer is unusable: ${why}`,
  );
}
