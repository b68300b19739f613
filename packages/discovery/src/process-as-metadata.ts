import { checkNoDowngrade } from './check-downgrade.js';
import { checkUrl } from './check-url.js';
import { DiscoveryError } from './discovery-error.js';
import type { DiscoveryWarning } from './discovery-warning.js';
import { isVisibleAscii } from './rfc3986.js';
import { isJsonObject, isStringArray, show } from './show.js';

/**
 * RFC 8414 §2 / OpenID Connect Discovery §3 authorization-server metadata, as validated by
 * {@link processAuthorizationServerMetadata}. Other members are kept as sent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly response_types_supported: readonly string[];
  readonly code_challenge_methods_supported?: readonly string[];
  readonly registration_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly introspection_endpoint?: string;
  readonly jwks_uri?: string;
  readonly scopes_supported?: readonly string[];
  readonly grant_types_supported?: readonly string[];
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
  readonly client_id_metadata_document_supported?: boolean;
  /** RFC 9449 §5.1: the JWS algorithms the AS accepts in DPoP proofs; present means the AS supports DPoP. */
  readonly dpop_signing_alg_values_supported?: readonly string[];
  readonly [member: string]: unknown;
}

/**
 * Per-server escape hatches (config `allow_missing_pkce_metadata`, `allow_issuer_mismatch`,
 * `allow_endpoint_downgrade`). All off by default.
 */
export interface AsMetadataPolicy {
  /** Accept metadata without `code_challenge_methods_supported` (Entra, Cognito), with a warning. Default false. */
  readonly allowMissingPkceMetadata?: boolean;
  /** Accept an `issuer` that differs from the one looked up (Entra `/common`), with a warning. Default false. */
  readonly allowIssuerMismatch?: boolean;
  /**
   * Accept an endpoint weaker than the document (an https document from a host that is not loopback naming an
   * http or loopback endpoint), with a warning (`endpoint_downgrade_allowed`). Default false.
   */
  readonly allowEndpointDowngrade?: boolean;
  /**
   * The metadata is used only to reach the token endpoint (an enterprise IdP for an RFC 8693 token exchange): no
   * authorization request will be sent, so `authorization_endpoint`, `response_types_supported` with `code` and
   * PKCE S256 are not required. The issuer and endpoint checks apply unchanged. Default false.
   */
  readonly tokenEndpointOnly?: boolean;
}

/** A validated document and what was accepted only through the policy. */
export interface ProcessedAsMetadata {
  readonly metadata: AuthorizationServerMetadata;
  readonly warnings: readonly DiscoveryWarning[];
}

/** Endpoints a client calls or opens, besides the two required ones; checked when present. */
const OPTIONAL_ENDPOINTS = [
  'registration_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'jwks_uri',
  'userinfo_endpoint',
  'pushed_authorization_request_endpoint',
  'device_authorization_endpoint',
  'end_session_endpoint',
] as const;

/**
 * The longest endpoint URL accepted, in characters: 8192 (8 KiB, the request-line limit of common HTTP servers).
 * The authorization URL is built on `authorization_endpoint` and printed whole for `--no-browser` (the user pastes
 * it), so a longer endpoint is refused (`endpoint_too_long`) before any browser opens or any terminal is flooded.
 */
export const MAX_ENDPOINT_LENGTH = 8192;

const STRING_ARRAYS = [
  'scopes_supported',
  'grant_types_supported',
  'token_endpoint_auth_methods_supported',
  'dpop_signing_alg_values_supported',
];
const BOOLEANS = ['authorization_response_iss_parameter_supported', 'client_id_metadata_document_supported'];

/**
 * Validates authorization-server metadata fetched for `issuer`, in order: a JSON object → `issuer` identical
 * (RFC 8414 §3.3), of visible ASCII only → endpoints (http(s) only, https except loopback, and never
 * http or loopback when the document came from a remote https URL) → `response_types_supported` has `code` →
 * `code_challenge_methods_supported` has `S256` → types of the optional members the client reads. Pure.
 *
 * @param url The URL the document came from, for messages.
 * @throws {DiscoveryError} `as_metadata_invalid`, `as_issuer_mismatch`, `invalid_issuer`, `disallowed_url_scheme`,
 * `insecure_url`, `endpoint_downgrade`, `endpoint_too_long`, `invalid_url`, `response_type_code_not_supported` or
 * `pkce_s256_not_supported`.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3
 */
export function processAuthorizationServerMetadata(
  document: unknown,
  issuer: string,
  policy: AsMetadataPolicy = {},
  url = issuer,
): ProcessedAsMetadata {
  const where = `authorization-server metadata at ${show(url)}`;
  if (!isJsonObject(document)) throw invalid(`The ${where} is not a JSON object`);
  const warnings: DiscoveryWarning[] = [];
  checkIssuer(document, issuer, policy, where, warnings);
  checkEndpoints(document, where, documentUrl(url, issuer), policy, warnings);
  if (policy.tokenEndpointOnly !== true) {
    checkResponseTypes(document, where);
    checkPkce(document, policy, where, warnings);
  }
  checkMemberTypes(document, where);
  return { metadata: { ...document } as AuthorizationServerMetadata, warnings };
}

function checkIssuer(
  document: Record<string, unknown>,
  issuer: string,
  policy: AsMetadataPolicy,
  where: string,
  warnings: DiscoveryWarning[],
): void {
  if (typeof document.issuer !== 'string') throw invalid(`The ${where} has no "issuer" string`);
  // RFC 3986 §2 (RFC 8414 §2: the issuer is a URL): control characters, spaces or non-ASCII would be compared
  // against the `iss` parameter, stored and shown; refused before any browser opens. (`{}` of Entra's templated
  // issuer pass here; the issuer looked up passed the strict RFC 3986 check of `parseIssuer`.)
  if (!isVisibleAscii(document.issuer)) {
    throw new DiscoveryError(
      'invalid_issuer',
      `The ${where} names issuer ${show(document.issuer)}, which holds characters a URL may not (RFC 3986 §2)`,
    );
  }
  // RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer MUST be identical (simple string comparison) to the issuer
  // the URL was built from; otherwise the data MUST NOT be used.
  if (document.issuer === issuer) return;
  const message = `The ${where} names issuer ${show(document.issuer)}, not ${show(issuer)} (RFC 8414 §3.3)`;
  if (!policy.allowIssuerMismatch) throw new DiscoveryError('as_issuer_mismatch', message);
  warnings.push({
    code: 'issuer_mismatch_allowed',
    message: `${message}; accepted: allow_issuer_mismatch is on`,
  });
}

/** The URL the document came from, parsed; the issuer when `url` is not one (a redacted or missing value). */
function documentUrl(url: string, issuer: string): URL {
  return URL.parse(url) ?? new URL(issuer);
}

function checkEndpoints(
  document: Record<string, unknown>,
  where: string,
  namedBy: URL,
  policy: AsMetadataPolicy,
  warnings: DiscoveryWarning[],
): void {
  const required =
    policy.tokenEndpointOnly === true ? ['token_endpoint'] : ['authorization_endpoint', 'token_endpoint'];
  for (const name of required) {
    // RFC 8414 §2: both are REQUIRED for the authorization code grant.
    if (typeof document[name] !== 'string') throw invalid(`The ${where} has no "${name}" string`);
  }
  for (const name of ['authorization_endpoint', 'token_endpoint', ...OPTIONAL_ENDPOINTS]) {
    const value = document[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalid(`In the ${where}, "${name}" is not a string`);
    const what = `"${name}" in the ${where}`;
    if (value.length > MAX_ENDPOINT_LENGTH) {
      throw new DiscoveryError(
        'endpoint_too_long',
        `${what} is ${value.length} characters long, more than the ${MAX_ENDPOINT_LENGTH} accepted: ${show(value)}`,
      );
    }
    const warning = checkNoDowngrade(
      checkUrl(value, what),
      namedBy,
      what,
      value,
      policy.allowEndpointDowngrade === true,
    );
    if (warning !== undefined) warnings.push(warning);
  }
}

function checkResponseTypes(document: Record<string, unknown>, where: string): void {
  const types = document.response_types_supported;
  // RFC 8414 §2: response_types_supported is REQUIRED.
  if (!isStringArray(types))
    throw invalid(`In the ${where}, "response_types_supported" is not an array of strings`);
  // OAuth 2.1 §4.1: the client uses the authorization code flow, response_type=code.
  if (!types.includes('code')) {
    throw new DiscoveryError(
      'response_type_code_not_supported',
      `The ${where} does not list "code" in "response_types_supported": ${show(types)}`,
    );
  }
}

function checkPkce(
  document: Record<string, unknown>,
  policy: AsMetadataPolicy,
  where: string,
  warnings: DiscoveryWarning[],
): void {
  const methods = document.code_challenge_methods_supported;
  if (methods === undefined) {
    // MCP authorization spec (Authorization Code Protection): if code_challenge_methods_supported is absent,
    // the client MUST refuse to proceed. The per-server override exists for Entra and Cognito.
    const message = `The ${where} has no "code_challenge_methods_supported", so PKCE S256 support is not shown`;
    if (!policy.allowMissingPkceMetadata) {
      throw new DiscoveryError(
        'pkce_s256_not_supported',
        `${message}; set allow_missing_pkce_metadata for this server if it is known to support S256`,
      );
    }
    warnings.push({
      code: 'pkce_metadata_missing_allowed',
      message: `${message}; accepted: allow_missing_pkce_metadata is on`,
    });
    return;
  }
  if (!isStringArray(methods))
    throw invalid(`In the ${where}, "code_challenge_methods_supported" is not an array of strings`);
  // MCP authorization spec: clients MUST use S256 (OAuth 2.1 §4.1.1).
  if (!methods.includes('S256')) {
    throw new DiscoveryError(
      'pkce_s256_not_supported',
      `The ${where} does not list "S256" in "code_challenge_methods_supported": ${show(methods)}`,
    );
  }
}

function checkMemberTypes(document: Record<string, unknown>, where: string): void {
  for (const name of STRING_ARRAYS) {
    const value = document[name];
    if (value !== undefined && !isStringArray(value))
      throw invalid(`In the ${where}, "${name}" is not an array of strings`);
  }
  for (const name of BOOLEANS) {
    const value = document[name];
    if (value !== undefined && typeof value !== 'boolean')
      throw invalid(`In the ${where}, "${name}" is not a boolean`);
  }
}

function invalid(message: string): DiscoveryError {
  return new DiscoveryError('as_metadata_invalid', message);
}
