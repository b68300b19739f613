import { AuthorizeError } from './authorize-error.js';
import { constantTimeEqual } from './state.js';

/** What the callback is checked against: recorded before the user agent was sent to the AS. */
export interface ExpectedAuthorizationResponse {
  /** The `state` sent on the authorization request. */
  readonly state: string;
  /** The validated issuer of the AS the request went to. */
  readonly issuer: string;
  /** The AS metadata's `authorization_response_iss_parameter_supported` (RFC 9207 §3). Default false. */
  readonly issParameterSupported?: boolean | undefined;
}

/** A validated successful authorization response. `code` is a secret until exchanged. */
export interface AuthorizationResponse {
  readonly code: string;
  readonly state: string;
  /** RFC 9207 `iss`, when the AS sent it (then equal to the expected issuer). */
  readonly iss?: string;
}

const SINGLE = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'] as const;

/**
 * Validates the authorization response delivered to the redirect URI, in this order:
 *
 * 1. no response parameter repeated (RFC 6749 §3.1) → `invalid_callback`;
 * 2. RFC 9207 §2.4 `iss`, compared as exact strings (no normalisation of case, port, slash or encoding):
 *    supported + present → must equal; supported + absent → `iss_missing`; not supported + present → must equal
 *    anyway; not supported + absent → go on. A mismatch is `iss_mismatch`, and the response's `error` and
 *    `error_description` are then neither acted on nor shown: they may come from a mix-up attacker;
 * 3. `state` required (`state_missing`) and equal to the one sent, compared in constant time (`state_mismatch`);
 *    `error` is likewise ignored when `state` does not match;
 * 4. `error`: `access_denied` → `authorization_denied`, anything else → `authorization_error`, keeping `error`,
 *    `error_description` and `error_uri`;
 * 5. `code` required and not empty → `code_missing`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export function validateAuthorizationResponse(
  callback: URL | string | URLSearchParams,
  expected: ExpectedAuthorizationResponse,
): AuthorizationResponse {
  const params = toParams(callback);

  // RFC 6749 §3.1: request and response parameters MUST NOT be included more than once.
  for (const name of SINGLE) {
    if (params.getAll(name).length > 1) {
      throw new AuthorizeError(
        'invalid_callback',
        `The authorization response repeats ${JSON.stringify(name)}`,
        { param: name },
      );
    }
  }

  checkIss(params.get('iss'), expected);

  const state = params.get('state');
  if (state === null || state === '') {
    throw new AuthorizeError(
      'state_missing',
      'The authorization response has no state: it was not caused by this login and is discarded',
    );
  }
  if (!constantTimeEqual(state, expected.state)) {
    throw new AuthorizeError(
      'state_mismatch',
      'The authorization response carries another state than this login sent: it is discarded (CSRF protection)',
    );
  }

  const error = params.get('error');
  if (error !== null) throw authorizationError(error, params);

  const code = params.get('code');
  if (code === null || code === '') {
    throw new AuthorizeError('code_missing', 'The authorization response has neither a code nor an error');
  }
  const iss = params.get('iss');
  return iss === null ? { code, state } : { code, state, iss };
}

function checkIss(iss: string | null, expected: ExpectedAuthorizationResponse): void {
  if (iss === null) {
    // RFC 9207 §2.4: a client that knows the AS supports iss MUST reject a response without it.
    if (expected.issParameterSupported === true) {
      throw new AuthorizeError(
        'iss_missing',
        `The authorization server ${JSON.stringify(expected.issuer)} advertises RFC 9207 iss, but the response has none`,
      );
    }
    return;
  }
  // RFC 9207 §2.4: compare with the recorded issuer by simple string comparison; on mismatch, reject the response
  // and do not process its error parameters.
  if (iss !== expected.issuer) {
    throw new AuthorizeError(
      'iss_mismatch',
      `The authorization response comes from issuer ${JSON.stringify(iss)}, not ${JSON.stringify(expected.issuer)} (RFC 9207 mix-up protection); it is discarded`,
    );
  }
}

function authorizationError(error: string, params: URLSearchParams): AuthorizeError {
  const description = params.get('error_description') ?? undefined;
  const uri = params.get('error_uri') ?? undefined;
  const details = {
    error,
    error_description: description,
    error_uri: uri,
    retryable: error === 'temporarily_unavailable' || error === 'server_error',
  };
  const said = description === undefined ? '' : `: ${JSON.stringify(description)}`;
  if (error === 'access_denied') {
    return new AuthorizeError(
      'authorization_denied',
      `The authorization was denied at the authorization server (access_denied${said}). Run the login again and approve the request to continue.`,
      details,
    );
  }
  return new AuthorizeError(
    'authorization_error',
    `The authorization server refused the request: ${JSON.stringify(error)}${said}`,
    details,
  );
}

function toParams(callback: URL | string | URLSearchParams): URLSearchParams {
  if (callback instanceof URLSearchParams) return callback;
  if (callback instanceof URL) return callback.searchParams;
  // A full callback URL, or only its query (`?code=…&state=…` or `code=…&state=…`, as pasted by a user).
  if (URL.canParse(callback)) return new URL(callback).searchParams;
  return new URLSearchParams(callback);
}
