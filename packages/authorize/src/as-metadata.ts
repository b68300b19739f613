/**
 * The authorization-server metadata fields this package reads (RFC 8414 §2, OIDC Discovery §3, RFC 9207 §3,
 * MCP client ID metadata documents). A structural subset: the richer, validated result of `@mcp-oauth/discovery` is
 * assignable to it. Validation of the document itself (issuer match, https endpoints, S256) is discovery's job; this
 * package trusts `issuer` to be the validated issuer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  /** The validated issuer identifier; registrations and tokens are bound to it. */
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  /** RFC 7591 dynamic client registration endpoint. */
  readonly registration_endpoint?: string | undefined;
  readonly scopes_supported?: readonly string[] | undefined;
  /** RFC 8414 §2: when absent, the default is `client_secret_basic`. */
  readonly token_endpoint_auth_methods_supported?: readonly string[] | undefined;
  /** MCP authorization: the AS accepts an https URL as `client_id` (Client ID Metadata Document). */
  readonly client_id_metadata_document_supported?: boolean | undefined;
  /** RFC 9207 §3: the AS puts `iss` in every authorization response. */
  readonly authorization_response_iss_parameter_supported?: boolean | undefined;
  readonly revocation_endpoint?: string | undefined;
  readonly code_challenge_methods_supported?: readonly string[] | undefined;
  /** RFC 8414 §2: the grants the AS supports; absent means `authorization_code` and `implicit`. */
  readonly grant_types_supported?: readonly string[] | undefined;
  /**
   * RFC 8414 §2: the JWS algorithms the token endpoint accepts for `private_key_jwt` client assertions. Read as
   * sent (discovery does not type-check it): anything but an array of strings counts as absent.
   */
  readonly token_endpoint_auth_signing_alg_values_supported?: unknown;
}
