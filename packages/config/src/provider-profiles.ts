import { deepFreeze } from './deep-freeze.js';
import type { ProviderId, ResourcePolicy } from './types.js';

/** A detection rule matched against the authorization server's `issuer`. Every field present must match. */
export interface IssuerRule {
  /** Exact origin of the issuer, e.g. `https://accounts.google.com`. */
  readonly origin?: string;
  /** Exact host name. */
  readonly host?: string;
  /** Host name suffix, e.g. `.auth0.com`. */
  readonly hostSuffix?: string;
  /** Substring of the issuer's path, e.g. `/realms/`. */
  readonly pathIncludes?: string;
}

/** Where a behaviour a profile encodes is documented. */
export interface ProfileSource {
  readonly behaviour: string;
  readonly reference: string;
}

/**
 * A provider profile: defaults for one identity provider's known quirks, as data. The explicit server config always
 * wins over a profile, key by key; a profile wins over the built-in defaults.
 */
export interface ProviderProfile {
  readonly id: ProviderId;
  readonly title: string;
  /** Chosen automatically when the AS issuer matches any of these rules (in profile order). */
  readonly detect: readonly IssuerRule[];
  /** Added to the authorization request. */
  readonly extraAuthorizeParams: Readonly<Record<string, string>>;
  /** When true, the authorization request gets `audience` = the resource (Auth0), unless `audience` is configured. */
  readonly audienceFromResource: boolean;
  /** Added to token requests (code exchange and refresh). */
  readonly extraTokenParams: Readonly<Record<string, string>>;
  /** Headers added to token requests (GitHub answers form-encoded without `Accept: application/json`). */
  readonly tokenEndpointHeaders: Readonly<Record<string, string>>;
  /** The RFC 8707 resource policy the provider needs; absent = no opinion (the default `auto` applies). */
  readonly resource?: ResourcePolicy;
  /** Scopes to request so that a refresh token is issued (e.g. `offline_access`); the authorize step adds each one
   * the AS metadata does not exclude (MCP: `offline_access` MAY be added when listed in `scopes_supported`). */
  readonly scopeHints: readonly string[];
  /** Send `scope` on refresh requests (Entra answers AADSTS90009 without it). */
  readonly sendScopeOnRefresh: boolean;
  /**
   * Keys of the extra authorize parameters that belong to the browser authorization request only and are left off
   * an RFC 8628 device authorization request (the device endpoint documents no such parameter).
   */
  readonly browserOnlyAuthorizeParams: readonly string[];
  /** The AS metadata omits `code_challenge_methods_supported` although it supports S256. */
  readonly allowMissingPkceMetadata: boolean;
  readonly sources: readonly ProfileSource[];
}

const NOTES = 'SPEC-NOTES §3 (identity-provider behaviour)';

const base = {
  detect: [],
  extraAuthorizeParams: {},
  audienceFromResource: false,
  extraTokenParams: {},
  tokenEndpointHeaders: {},
  scopeHints: [],
  sendScopeOnRefresh: false,
  // OIDC Core §3.1.2.1: `prompt` asks the authorization endpoint's pages for a login or consent screen; a device
  // authorization request (RFC 8628 §3.1) has no such page of its own.
  browserOnlyAuthorizeParams: ['prompt'],
  allowMissingPkceMetadata: false,
  sources: [],
} as const;

/**
 * The provider profiles, in detection order. Exported as data so that the authorize step, `get` and `status` read
 * the same values.
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/config.md#provider-profiles
 */
export const PROVIDER_PROFILES: Readonly<Record<ProviderId, ProviderProfile>> = deepFreeze({
  google: {
    ...base,
    id: 'google',
    title: 'Google',
    detect: [{ origin: 'https://accounts.google.com' }],
    extraAuthorizeParams: { access_type: 'offline', prompt: 'consent' },
    browserOnlyAuthorizeParams: ['access_type', 'prompt'],
    resource: { kind: 'auto' },
    sources: [
      {
        behaviour:
          'the device endpoint takes client_id and scope only, and its token response carries a refresh token ' +
          'without access_type=offline: access_type and prompt are left off device requests',
        reference: 'https://developers.google.com/identity/protocols/oauth2/limited-input-device',
      },
      {
        behaviour: 'a refresh token is issued only when the authorization request has access_type=offline',
        reference: `https://developers.google.com/identity/protocols/oauth2/native-app; ${NOTES}`,
      },
      {
        behaviour:
          'the refresh token is issued on first consent only; prompt=consent gets a new one on re-login',
        reference: `https://developers.google.com/identity/protocols/oauth2/web-server#offline; ${NOTES}`,
      },
    ],
  },
  entra: {
    ...base,
    id: 'entra',
    title: 'Microsoft Entra ID',
    detect: [{ host: 'login.microsoftonline.com' }],
    resource: { kind: 'off' },
    scopeHints: ['offline_access'],
    sendScopeOnRefresh: true,
    allowMissingPkceMetadata: true,
    sources: [
      {
        behaviour:
          'v2 endpoints reject or mis-scope `resource` (AADSTS901002, AADSTS9010010): audience comes from scopes',
        reference: NOTES,
      },
      {
        behaviour: 'offline_access is needed for a refresh token; refresh requests need scope (AADSTS90009)',
        reference: `https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow; ${NOTES}`,
      },
      { behaviour: 'metadata lacks code_challenge_methods_supported although S256 works', reference: NOTES },
    ],
  },
  auth0: {
    ...base,
    id: 'auth0',
    title: 'Auth0',
    detect: [{ hostSuffix: '.auth0.com' }],
    audienceFromResource: true,
    scopeHints: ['offline_access'],
    sources: [
      { behaviour: 'the API is chosen with `audience`, not `resource`', reference: NOTES },
      {
        behaviour: 'offline_access is needed for a refresh token',
        reference: `https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens; ${NOTES}`,
      },
    ],
  },
  atlassian: {
    ...base,
    id: 'atlassian',
    title: 'Atlassian',
    detect: [{ host: 'auth.atlassian.com' }],
    extraAuthorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    scopeHints: ['offline_access'],
    sources: [
      {
        behaviour:
          'authorization requests need audience=api.atlassian.com and prompt=consent; offline_access for refresh',
        reference: `https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/; ${NOTES}`,
      },
    ],
  },
  github: {
    ...base,
    id: 'github',
    title: 'GitHub',
    detect: [{ host: 'github.com' }],
    tokenEndpointHeaders: { Accept: 'application/json' },
    sources: [
      {
        behaviour:
          'the token endpoint answers form-encoded (and HTTP 200 on errors) unless Accept: application/json',
        reference: `https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps; ${NOTES}`,
      },
    ],
  },
  keycloak: {
    ...base,
    id: 'keycloak',
    title: 'Keycloak',
    detect: [{ pathIncludes: '/realms/' }],
    resource: { kind: 'off' },
    sources: [
      {
        behaviour:
          'RFC 8707 resource indicators need an experimental feature; otherwise `resource` gives invalid_target',
        reference: NOTES,
      },
    ],
  },
  generic: {
    ...base,
    id: 'generic',
    title: 'Generic (standards only)',
    sources: [],
  },
} satisfies Record<ProviderId, ProviderProfile>);

/** Profile ids in detection order. */
export const PROVIDER_IDS: readonly ProviderId[] = Object.freeze(
  Object.keys(PROVIDER_PROFILES) as ProviderId[],
);
