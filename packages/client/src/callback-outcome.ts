import {
  constantTimeEqual,
  type ExpectedAuthorizationResponse,
  validateAuthorizationResponse,
} from '@mcp-oauth/authorize';

/**
 * What a request to the loopback callback means for the login waiting on it, decided before the browser is
 * answered, so the page tells the truth:
 * - `ok`: a valid authorization response of this login (the code exchange follows);
 * - `failed`: a response of this login (its `state`) that the terminal will reject: a wrong or missing RFC 9207
 *   `iss`, an `error` from the AS, no `code`, a repeated parameter;
 * - `stray`: not a response of this login (no `state`, or another one: an old tab, another login's link, a forged
 *   request): discarded, and the login keeps waiting for its own.
 */
export type CallbackOutcome = 'ok' | 'failed' | 'stray';

/**
 * The classifier of a login's callback requests: `state` first (RFC 6749 §10.12: a response whose state is not
 * this login's is discarded), then the whole validation the code exchange will run
 * (`validateAuthorizationResponse`: RFC 9207 `iss`, `error`, `code`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 */
export function callbackOutcome(expected: ExpectedAuthorizationResponse): (callback: URL) => CallbackOutcome {
  return (callback) => {
    const states = callback.searchParams.getAll('state');
    const state = states.length === 1 ? states[0] : undefined;
    if (state === undefined || state === '' || !constantTimeEqual(state, expected.state)) return 'stray';
    try {
      validateAuthorizationResponse(callback, expected);
      return 'ok';
    } catch {
      return 'failed';
    }
  };
}
