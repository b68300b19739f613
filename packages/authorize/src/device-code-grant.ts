import type { HttpClient, HttpResponse } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError, isAuthorizeError } from './authorize-error.js';
import type { OAuthClient } from './client-authentication.js';
import { DEVICE_CODE_GRANT_TYPE } from './device-authorization.js';
import { type ProcessTokenResponseOptions, processTokenResponse } from './process-token-response.js';
import {
  type TokenEndpointMetadata,
  type TokenRequestOptions,
  tokenEndpointRequest,
} from './token-request.js';
import type { TokenSet } from './token-set.js';

/**
 * Sends the device access token request (RFC 8628 §3.4): `grant_type=urn:ietf:params:oauth:grant-type:device_code`
 * and `device_code`, through {@link tokenEndpointRequest} (so the same `resource`, client authentication, extra
 * token parameters and headers as every token request). Returns the raw response for
 * {@link processDeviceCodeResponse}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export async function deviceCodeGrantRequest(
  http: HttpClient,
  as: TokenEndpointMetadata,
  client: OAuthClient,
  deviceCode: string,
  options: TokenRequestOptions = {},
): Promise<HttpResponse> {
  if (typeof deviceCode !== 'string' || deviceCode === '') {
    throw new AuthorizeError('invalid_parameter', 'The device access token request needs the device_code', {
      param: 'deviceCode',
    });
  }
  return tokenEndpointRequest(http, as, client, DEVICE_CODE_GRANT_TYPE, { device_code: deviceCode }, options);
}

/** The RFC 8628 §3.5 error codes that are not failures of the login but steps of the polling. */
const DEVICE_ERRORS = {
  authorization_pending: 'authorization_pending',
  slow_down: 'slow_down',
  access_denied: 'access_denied',
  expired_token: 'expired_token',
} as const;

/**
 * Validates a device access token response: a success is {@link processTokenResponse}'s `TokenSet`; the RFC 8628
 * §3.5 errors become their own codes, so a poller can switch on them:
 * - `authorization_pending`: the user has not finished yet; poll again after `interval` (retryable);
 * - `slow_down`: the same, and the interval MUST grow by 5 seconds for this and all later requests (retryable);
 * - `access_denied`: the user declined;
 * - `expired_token`: the device code expired; start a new device authorization.
 * Every other answer is as for any token response (`oauth_error`, `unexpected_status`, `invalid_token_response`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export function processDeviceCodeResponse(
  as: Pick<AuthorizationServerMetadata, 'issuer'>,
  response: HttpResponse,
  options: ProcessTokenResponseOptions = {},
): TokenSet {
  try {
    return processTokenResponse(as, response, options);
  } catch (error) {
    if (!isAuthorizeError(error, 'oauth_error') || error.error === undefined) throw error;
    if (!Object.hasOwn(DEVICE_ERRORS, error.error)) throw error;
    const code = DEVICE_ERRORS[error.error as keyof typeof DEVICE_ERRORS];
    throw new AuthorizeError(code, error.message, {
      status: error.status,
      error: error.error,
      error_description: error.error_description,
      error_uri: error.error_uri,
      retryable: code === 'authorization_pending' || code === 'slow_down',
      cause: error,
    });
  }
}
