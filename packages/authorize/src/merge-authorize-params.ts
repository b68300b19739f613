import {
  assertNoReservedParams,
  type ExtraAuthorizeParams,
  RESERVED_AUTHORIZE_PARAMS,
} from './reserved-params.js';

/** Input of {@link mergeAuthorizeParams}. */
export interface MergeAuthorizeParamsInput {
  /** The provider profile's parameters (Google: `access_type=offline`, `prompt=consent`). */
  profileParams?: Readonly<Record<string, string>> | undefined;
  /** The server's `extra_authorize_params` from the config. Wins over the profile, key by key. */
  configParams?: Readonly<Record<string, string>> | undefined;
  /**
   * The profile sends the API identifier as `audience` (Auth0): `audience` = `resource`, unless either table sets
   * `audience`. Default false.
   */
  audienceFromResource?: boolean | undefined;
  /** The resource actually sent (after the resource policy); used by `audienceFromResource`. */
  resource?: string | undefined;
}

/**
 * Merges the provider profile's authorization parameters with the config's: explicit config wins, key by key; for
 * an `audienceFromResource` profile, `audience` = the resource unless set explicitly. Throws `reserved_param` when
 * either table names a protocol-owned key (the config loader refuses them first; this is the second line).
 *
 * @example
 * ```ts
 * mergeAuthorizeParams({ profileParams: { access_type: 'offline', prompt: 'consent' }, configParams: { prompt: 'select_account' } })
 * // { access_type: 'offline', prompt: 'select_account' }
 * ```
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/authorize.md#extra-parameters-and-provider-profiles
 */
export function mergeAuthorizeParams(input: MergeAuthorizeParamsInput): ExtraAuthorizeParams {
  assertNoReservedParams(input.profileParams, RESERVED_AUTHORIZE_PARAMS, 'profileParams');
  assertNoReservedParams(input.configParams, RESERVED_AUTHORIZE_PARAMS, 'configParams');
  const merged: Record<string, string> = {};
  const assign = (params: Readonly<Record<string, string>> | undefined) => {
    for (const [key, value] of Object.entries(params ?? {})) {
      // defineProperty: a key such as `__proto__` stays a plain own property.
      Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
  };
  assign(input.profileParams);
  assign(input.configParams);
  if (input.audienceFromResource && input.resource !== undefined && !Object.hasOwn(merged, 'audience')) {
    merged.audience = input.resource;
  }
  return merged as ExtraAuthorizeParams;
}
