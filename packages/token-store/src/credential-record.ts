/** The record version this package writes. Older versions are migrated on read by {@link migrateRecord}. */
export const CREDENTIAL_RECORD_VERSION = 1;

/**
 * How the client id in a record was obtained (MCP authorization, client registration priority).
 * `unknown` only appears in records migrated from an unversioned token store.
 */
export type RegistrationKind = 'pre_registered' | 'client_id_metadata_document' | 'dynamic' | 'unknown';

/** The client registration a token was issued to. Registrations are bound to the issuer, like the tokens. */
export interface ClientRegistration {
  readonly client_id: string;
  readonly registration: RegistrationKind;
  /**
   * A client secret issued by dynamic client registration (RFC 7591 §3.2.1), or null. Secrets of pre-registered
   * clients are never stored here: they come from the environment or the keyring.
   */
  readonly client_secret: string | null;
  /** RFC 7591 `client_secret_expires_at` converted to absolute milliseconds; null when none or it never expires. */
  readonly client_secret_expires_at: number | null;
}

/** Why a credential cannot be used without a new browser login, and since when (ms since the epoch). */
export interface NeedsLogin {
  /** A short machine-readable reason, for example `invalid_grant` or `refresh_token_missing`. */
  readonly reason: string;
  readonly since: number;
}

/**
 * How to get a new access token for a credential that has no refresh token, without a user: the grant to send
 * again (RFC 6749 §4.4 client credentials; the enterprise grants extend this union). The secrets such a grant needs
 * (client secret, private key) are never stored here: they come from the config's env var or key file at use time.
 * Null: a login is the only way to a new token once the access token has expired.
 */
export type Reacquire =
  | { readonly grant: 'client_credentials' }
  | { readonly grant: 'id_jag'; readonly idp_issuer: string }
  | { readonly grant: 'workload_identity' };

/**
 * The DPoP key a credential's tokens are bound to (RFC 9449): the JWS algorithm, the private key as a JWK (public
 * members included) and its RFC 7638 thumbprint (the `cnf.jkt` of bound tokens). A secret like the refresh token: a
 * refresh token bound to the key is useless without it, and a refresh in another process or host needs it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export interface DpopBinding {
  readonly alg: string;
  readonly private_jwk: PrivateJwk;
  readonly jkt: string;
}

/** A private JSON Web Key (RFC 7517) as stored: string members (`kty`, `crv`, `x`, `y`, `d`, `n`, `e`, …). */
export type PrivateJwk = Readonly<Record<string, string>>;

/** The members of a private JWK that are secret (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
export const PRIVATE_JWK_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/**
 * One stored credential, version 1. Field names are snake_case: this is a stored format, read by other tools.
 * `expires_at` is absolute (ms since the epoch), computed when the token response arrives, or null when the
 * authorization server sent no `expires_in` (then the token is used until a 401 and refreshed then).
 *
 * @see https://github.com/mcp-oauth/mcp-oauth/blob/main/docs/storage.md#what-is-stored
 */
export interface CredentialRecord {
  readonly version: 1;
  readonly server_name: string;
  readonly server_url: string;
  /** The authorization server's issuer; tokens are never used with another AS. */
  readonly issuer: string;
  /** The RFC 8707 resource the token was requested for, or null when none was sent. */
  readonly resource: string | null;
  readonly access_token: string;
  /** RFC 6749 §5.1 `token_type`, normally `Bearer`. */
  readonly token_type: string;
  readonly expires_at: number | null;
  readonly refresh_token: string | null;
  /** Granted scopes (the response `scope`, else the requested ones), in order, without duplicates. */
  readonly scopes: readonly string[];
  readonly client: ClientRegistration;
  /**
   * How the refresher renews this credential when it has no refresh token (client credentials: a new token request
   * per expiry), or null. Optional on read (absent → null); always written.
   */
  readonly reacquire: Reacquire | null;
  /** Set when a refresh failed for good (for example `invalid_grant`); the tokens are kept, not wiped. */
  readonly needs_login: NeedsLogin | null;
  /** When this record was last written (ms since the epoch); 0 when unknown (migrated records). */
  readonly updated_at: number;
  /**
   * The DPoP key the tokens are bound to, or null for bearer tokens. Optional on read (absent → null), always written.
   * A secret: covered by {@link recordSecrets}.
   */
  readonly dpop: DpopBinding | null;
  /**
   * The OpenID Connect ID token of an enterprise IdP credential (the subject token of the ID-JAG token exchange),
   * renewed by each refresh that returns one. Absent on every other record. A secret.
   */
  readonly id_token?: string | null;
}

/**
 * The secret values of a record: access token, refresh token, client secret, the private members of the DPoP key.
 * Used to redact error messages.
 */
export function recordSecrets(record: unknown): string[] {
  if (typeof record !== 'object' || record === null) return [];
  const r = record as Record<string, unknown>;
  const client = objectOr(r.client);
  const jwk = objectOr(objectOr(r.dpop).private_jwk);
  return [
    r.access_token,
    r.refresh_token,
    r.id_token,
    r.client_secret,
    client.client_secret,
    ...PRIVATE_JWK_MEMBERS.map((name) => jwk[name]),
  ].filter((v): v is string => typeof v === 'string' && v.length > 0);
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
