import { assertSecureUrl, type HttpClient } from '@mcp-oauth/http';
import type { AuthorizationServerMetadata } from './as-metadata.js';
import { AuthorizeError, isAuthorizeError } from './authorize-error.js';
import { type ClientAuthMethod, selectClientAuthMethod } from './client-authentication.js';
import type { ClientRegistration, RegistrationCache } from './client-registration.js';
import {
  DEFAULT_GRANT_TYPES,
  dynamicRegistrationRequest,
  processDynamicRegistrationResponse,
} from './dynamic-registration.js';

/**
 * Which registration path to take: `auto` follows the MCP priority; the others force one path (the config's
 * `oauth.registration`).
 */
export type RegistrationMode = 'auto' | 'preregistered' | 'cimd' | 'dcr';

/** A client registered by hand with the provider (the config's `oauth.client_id`). */
export interface PreRegisteredClient {
  readonly clientId: string;
  /** Read by the caller from `client_secret_env_var` or the keyring; absent for a public client. */
  readonly clientSecret?: string | undefined;
  /** Default: chosen from the AS metadata ({@link selectClientAuthMethod}). */
  readonly authMethod?: ClientAuthMethod | undefined;
}

/** Input of {@link resolveClientRegistration}. */
export interface ResolveClientRegistrationInput {
  readonly http: HttpClient;
  readonly as: Pick<
    AuthorizationServerMetadata,
    | 'issuer'
    | 'registration_endpoint'
    | 'client_id_metadata_document_supported'
    | 'token_endpoint_auth_methods_supported'
  >;
  /** The redirect URIs this login uses. */
  readonly redirectUris: readonly string[];
  /** Default `auto`. */
  readonly mode?: RegistrationMode | undefined;
  readonly preRegistered?: PreRegisteredClient | undefined;
  /** The config's `oauth.client_metadata_url`: an https URL with a path, serving this client's metadata document. */
  readonly clientMetadataUrl?: string | undefined;
  /** Dynamic registrations from earlier logins, keyed by issuer. Without one, every call registers anew. */
  readonly cache?: RegistrationCache | undefined;
  /** DCR `client_name`. Default `mcp-oauth`. */
  readonly clientName?: string | undefined;
  /** DCR `scope`. */
  readonly scopes?: readonly string[] | undefined;
  /**
   * Grant types this login needs (DCR `grant_types`). Default `authorization_code`, `refresh_token`. A cached
   * dynamic registration without one of them is replaced by a new registration (a device login after browser logins).
   */
  readonly grantTypes?: readonly string[] | undefined;
  /** Clock for secret expiry. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Finds the client to log in with, in the MCP authorization priority order:
 *
 * 1. a pre-registered client (`preRegistered`), never cached (the config is its source);
 * 2. a Client ID Metadata Document: when the AS sets `client_id_metadata_document_supported` and
 *    `clientMetadataUrl` is configured, the URL is the `client_id` (public client, no registration request);
 * 3. Dynamic Client Registration (RFC 7591): a cached registration for this issuer when it is still usable (same
 *    issuer, redirect URIs covered, secret not expired), else a new registration, then cached;
 * 4. otherwise `registration_unavailable`, naming the config to add.
 *
 * `mode` other than `auto` takes only its own path and fails with `registration_unavailable` when that path is
 * not possible.
 *
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration
 * @see https://www.rfc-editor.org/rfc/rfc7591
 */
export async function resolveClientRegistration(
  input: ResolveClientRegistrationInput,
): Promise<ClientRegistration> {
  const mode = input.mode ?? 'auto';
  const { as } = input;

  if ((mode === 'auto' || mode === 'preregistered') && input.preRegistered !== undefined) {
    return preRegistered(input, input.preRegistered);
  }
  if (mode === 'preregistered') throw unavailable(as.issuer, 'oauth.registration is "preregistered"');

  const cimdSupported = as.client_id_metadata_document_supported === true;
  if ((mode === 'auto' || mode === 'cimd') && cimdSupported && input.clientMetadataUrl !== undefined) {
    return clientIdMetadataDocument(input, input.clientMetadataUrl);
  }
  if (mode === 'cimd') {
    throw unavailable(
      as.issuer,
      cimdSupported
        ? 'oauth.registration is "cimd" but no oauth.client_metadata_url is set'
        : 'oauth.registration is "cimd" but the authorization server does not support client ID metadata documents',
    );
  }

  const cached = await input.cache?.get(as.issuer);
  if (cached !== undefined && isUsable(cached, input)) return cached;
  if (as.registration_endpoint !== undefined) return register(input);

  throw unavailable(
    as.issuer,
    cimdSupported
      ? 'it supports client ID metadata documents, but no oauth.client_metadata_url is set, and it has no registration endpoint'
      : 'it supports neither dynamic client registration nor client ID metadata documents',
  );
}

/**
 * Whether a failed token request means the dynamic registration is gone or unusable (the AS answered
 * `invalid_client` or `unauthorized_client`, RFC 6749 §5.2): then delete it from the cache and run the login again,
 * which registers anew. A pre-registered client's answer means its configured id or secret is wrong: no
 * re-registration can fix that.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function shouldReregister(error: unknown, registration: ClientRegistration): boolean {
  return (
    registration.registration === 'dynamic' &&
    isAuthorizeError(error, 'oauth_error') &&
    (error.error === 'invalid_client' || error.error === 'unauthorized_client')
  );
}

function preRegistered(
  input: ResolveClientRegistrationInput,
  client: PreRegisteredClient,
): ClientRegistration {
  if (typeof client.clientId !== 'string' || client.clientId === '') {
    throw new AuthorizeError('invalid_parameter', 'The pre-registered client_id is empty', {
      param: 'clientId',
    });
  }
  const secret = client.clientSecret === undefined || client.clientSecret === '' ? null : client.clientSecret;
  return {
    issuer: input.as.issuer,
    client_id: client.clientId,
    registration: 'pre_registered',
    client_secret: secret,
    client_secret_expires_at: null,
    token_endpoint_auth_method: selectClientAuthMethod(input.as, {
      clientId: client.clientId,
      clientSecret: secret ?? undefined,
      authMethod: client.authMethod,
    }),
    redirect_uris: [...input.redirectUris],
  };
}

function clientIdMetadataDocument(input: ResolveClientRegistrationInput, url: string): ClientRegistration {
  let parsed: URL | undefined;
  try {
    parsed = assertSecureUrl(url);
  } catch {
    parsed = undefined;
  }
  // MCP client ID metadata documents: the client_id is an https URL with a path component.
  if (parsed === undefined || parsed.pathname === '/' || url.includes('#')) {
    throw new AuthorizeError(
      'invalid_parameter',
      `oauth.client_metadata_url ${JSON.stringify(url)} must be an https URL with a path and no fragment`,
      { param: 'clientMetadataUrl' },
    );
  }
  return {
    issuer: input.as.issuer,
    client_id: url,
    registration: 'client_id_metadata_document',
    client_secret: null,
    client_secret_expires_at: null,
    token_endpoint_auth_method: 'none',
    redirect_uris: [...input.redirectUris],
  };
}

async function register(input: ResolveClientRegistrationInput): Promise<ClientRegistration> {
  const response = await dynamicRegistrationRequest(input.http, input.as, {
    redirectUris: input.redirectUris,
    authMethodsSupported: input.as.token_endpoint_auth_methods_supported,
    clientName: input.clientName,
    scopes: input.scopes,
    grantTypes: input.grantTypes,
    signal: input.signal,
  });
  const registration = processDynamicRegistrationResponse(input.as, response, {
    redirectUris: input.redirectUris,
    grantTypes: input.grantTypes,
    now: input.now,
  });
  await input.cache?.set(input.as.issuer, registration);
  return registration;
}

function isUsable(cached: ClientRegistration, input: ResolveClientRegistrationInput): boolean {
  // MCP authorization: registrations MUST be keyed by the issuer; never use one with another AS.
  if (cached.issuer !== input.as.issuer || cached.registration !== 'dynamic') return false;
  const now = (input.now ?? Date.now)();
  if (cached.client_secret_expires_at !== null && cached.client_secret_expires_at <= now) return false;
  const held = cached.grant_types ?? DEFAULT_GRANT_TYPES;
  if (!(input.grantTypes ?? DEFAULT_GRANT_TYPES).every((type) => held.includes(type))) return false;
  return input.redirectUris.every((uri) =>
    cached.redirect_uris.some((registered) => sameRedirect(uri, registered)),
  );
}

/**
 * Exact match, except that for `http:` loopback IP literals the port is ignored: RFC 8252 §7.3 requires the AS to
 * accept any port for them, so an OS-chosen callback port does not need a new registration.
 */
function sameRedirect(uri: string, registered: string): boolean {
  if (uri === registered) return true;
  if (!URL.canParse(uri) || !URL.canParse(registered)) return false;
  const a = new URL(uri);
  const b = new URL(registered);
  const loopbackIp = (u: URL) =>
    u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]');
  if (!loopbackIp(a) || !loopbackIp(b)) return false;
  a.port = '';
  b.port = '';
  return a.href === b.href;
}

function unavailable(issuer: string, why: string): AuthorizeError {
  return new AuthorizeError(
    'registration_unavailable',
    `No way to register this client with the authorization server ${JSON.stringify(issuer)}: ${why}. ` +
      'Register an OAuth client with the provider (a desktop/native app with redirect URI http://127.0.0.1) and set ' +
      'oauth.client_id for this server (and oauth.client_secret_env_var naming the variable that holds its secret, ' +
      'if it has one), or set oauth.client_metadata_url when the server supports client ID metadata documents.',
  );
}
