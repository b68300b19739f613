import type { ClientAuthMethod, OAuthClient } from './client-authentication.js';

/**
 * How the client id was obtained (MCP authorization, client registration priority). The names match
 * `@mcp-oauth/token-store`'s `RegistrationKind`.
 */
export type RegistrationKind = 'pre_registered' | 'client_id_metadata_document' | 'dynamic';

/**
 * A client registration with one authorization server. Snake_case because it is persisted (through
 * {@link RegistrationCache}); its `client_id`, `registration`, `client_secret` and `client_secret_expires_at` are the
 * token store's `ClientRegistration` fields. Holds a secret for DCR-issued confidential clients: never log it.
 */
export interface ClientRegistration {
  /** The AS issuer the registration belongs to (MCP authorization: registrations are keyed by issuer). */
  readonly issuer: string;
  readonly client_id: string;
  readonly registration: RegistrationKind;
  /**
   * The client secret: issued by DCR (RFC 7591 §3.2.1), or for a pre-registered client the value the caller read
   * from `client_secret_env_var` or the keyring (pre-registered registrations are never cached). Null for public
   * clients.
   */
  readonly client_secret: string | null;
  /** RFC 7591 `client_secret_expires_at` in milliseconds since the epoch; null when none or it never expires. */
  readonly client_secret_expires_at: number | null;
  readonly token_endpoint_auth_method: ClientAuthMethod;
  /** The redirect URIs registered (DCR) or in use. */
  readonly redirect_uris: readonly string[];
  /**
   * The grant types a dynamic registration holds (RFC 7591 §2 `grant_types`). Absent in registrations cached before
   * it was recorded: read as `authorization_code` and `refresh_token`, what was always requested.
   */
  readonly grant_types?: readonly string[] | undefined;
}

/**
 * Where dynamic registrations are kept between logins, keyed by AS issuer. The client package backs it with the
 * token store; {@link memoryRegistrationCache} keeps them for one process. Methods may be sync or async.
 */
export interface RegistrationCache {
  get(issuer: string): Promise<ClientRegistration | undefined> | ClientRegistration | undefined;
  set(issuer: string, registration: ClientRegistration): Promise<void> | void;
  delete(issuer: string): Promise<void> | void;
}

/** A {@link RegistrationCache} in memory, for one process and for tests. */
export function memoryRegistrationCache(): RegistrationCache {
  const entries = new Map<string, ClientRegistration>();
  return {
    get: (issuer) => entries.get(issuer),
    set: (issuer, registration) => {
      entries.set(issuer, registration);
    },
    delete: (issuer) => {
      entries.delete(issuer);
    },
  };
}

/** The token-request client of a registration. */
export function registrationClient(registration: ClientRegistration): OAuthClient {
  return {
    clientId: registration.client_id,
    authMethod: registration.token_endpoint_auth_method,
    ...(registration.client_secret !== null && { clientSecret: registration.client_secret }),
  };
}
