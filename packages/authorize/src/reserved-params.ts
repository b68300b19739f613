import { AuthorizeError } from './authorize-error.js';

/**
 * Authorization-request parameters the protocol owns (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2, MCP
 * authorization). The builder sets them; an extra parameter may never replace or repeat them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export const RESERVED_AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
] as const;

/**
 * Token-request parameters the protocol owns (RFC 6749 §4.1.3, §6, §2.3.1, RFC 7636 §4.5, RFC 8707 §2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export const RESERVED_TOKEN_PARAMS = [
  'grant_type',
  'code',
  'code_verifier',
  'redirect_uri',
  'refresh_token',
  'client_id',
  'client_secret',
  'resource',
  'scope',
] as const;

export type ReservedAuthorizeParam = (typeof RESERVED_AUTHORIZE_PARAMS)[number];
export type ReservedTokenParam = (typeof RESERVED_TOKEN_PARAMS)[number];

/**
 * Extra authorization-request parameters (`extra_authorize_params` merged with the provider profile's). The type
 * refuses the reserved keys in object literals and in values whose type names them; {@link assertNoReservedParams}
 * refuses them at run time.
 */
export type ExtraAuthorizeParams = Readonly<Record<string, string>> & {
  readonly [K in ReservedAuthorizeParam]?: never;
};

/** Extra token-request parameters (`extra_token_params`), reserved keys refused as for {@link ExtraAuthorizeParams}. */
export type ExtraTokenParams = Readonly<Record<string, string>> & {
  readonly [K in ReservedTokenParam]?: never;
};

/**
 * Throws `reserved_param` when `params` has a reserved key, compared case-insensitively (an AS that reads names
 * case-insensitively must not see a second `Resource`), and `invalid_parameter` when a value is not a string.
 * `where` names the option in the message (`extraParams`, `extra_token_params`).
 */
export function assertNoReservedParams(
  params: Readonly<Record<string, unknown>> | undefined,
  reserved: readonly string[],
  where: string,
): void {
  if (params === undefined) return;
  if (typeof params !== 'object' || params === null) {
    throw new AuthorizeError('invalid_parameter', `${where} must be an object of strings`, { param: where });
  }
  for (const [key, value] of Object.entries(params)) {
    if (reserved.includes(key.toLowerCase())) {
      throw new AuthorizeError(
        'reserved_param',
        `${where}.${key} is reserved: the protocol sets ${JSON.stringify(key.toLowerCase())} itself`,
        { param: key },
      );
    }
    if (typeof value !== 'string') {
      throw new AuthorizeError('invalid_parameter', `${where}.${key} must be a string`, { param: key });
    }
    if (key === '') {
      throw new AuthorizeError('invalid_parameter', `${where} has an empty parameter name`, { param: key });
    }
  }
}

/** The entries of `params` sorted by key (UTF-16 code units), the order extra parameters are sent in. */
export function sortedEntries(params: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(params ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
